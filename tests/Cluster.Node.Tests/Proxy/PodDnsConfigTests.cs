using Cluster.Node.Agent;
using k8s.Models;

namespace Cluster.Node.Tests.Proxy;

public sealed class PodDnsConfigTests
{
    private static readonly PodDns Host = PodDnsConfig.Host(["# host", "nameserver 10.0.0.2", "nameserver 10.0.0.3", "search corp.example", "options timeout:2"]);

    private static V1Pod Pod(string? policy = null, bool hostNetwork = false, V1PodDNSConfig? config = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "shop" },
        Spec = new V1PodSpec { DnsPolicy = policy, HostNetwork = hostNetwork, DnsConfig = config, Containers = [] },
    };

    [Fact]
    public void ClusterFirst_NamesTheClusterDnsWithTheNamespacesSearchPathThenTheHosts()
    {
        var dns = PodDnsConfig.For(Pod(), "10.96.0.10", "cluster.local", Host)!;

        Assert.Equal(["10.96.0.10"], dns.Nameservers);
        Assert.Equal(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"], dns.Searches);
        Assert.Equal(["ndots:5"], dns.Options);
    }

    [Fact]
    public void ClusterFirst_NoClusterDnsOrHostNetwork_GetsTheHosts()
    {
        Assert.Null(PodDnsConfig.For(Pod(), null, "cluster.local", Host));
        Assert.Null(PodDnsConfig.For(Pod(hostNetwork: true), "10.96.0.10", "cluster.local", Host));
        Assert.Null(PodDnsConfig.For(Pod("Default"), "10.96.0.10", "cluster.local", Host));
    }

    [Fact]
    public void None_TakesOnlyDnsConfig()
    {
        var config = new V1PodDNSConfig { Nameservers = ["1.2.3.4"], Searches = ["a.example"], Options = [new V1PodDNSConfigOption { Name = "ndots", Value = "2" }, new V1PodDNSConfigOption { Name = "edns0" }] };

        var dns = PodDnsConfig.For(Pod("None", config: config), "10.96.0.10", "cluster.local", Host)!;

        Assert.Equal(["1.2.3.4"], dns.Nameservers);
        Assert.Equal(["a.example"], dns.Searches);
        Assert.Equal(["ndots:2", "edns0"], dns.Options);
    }

    [Fact]
    public void DnsConfig_MergesIntoClusterFirst_OptionsOverrideByName()
    {
        var config = new V1PodDNSConfig { Nameservers = ["10.96.0.10", "8.8.8.8"], Searches = ["extra.example"], Options = [new V1PodDNSConfigOption { Name = "ndots", Value = "1" }] };

        var dns = PodDnsConfig.For(Pod(config: config), "10.96.0.10", "cluster.local", Host)!;

        Assert.Equal(["10.96.0.10", "8.8.8.8"], dns.Nameservers);
        Assert.Equal("extra.example", dns.Searches[^1]);
        Assert.Equal(["ndots:1"], dns.Options);
    }

    [Fact]
    public void Default_WithDnsConfig_IsTheHostsPlusIt()
    {
        var dns = PodDnsConfig.For(Pod("Default", config: new V1PodDNSConfig { Searches = ["x.example"] }), "10.96.0.10", "cluster.local", Host)!;

        Assert.Equal(["10.0.0.2", "10.0.0.3"], dns.Nameservers);
        Assert.Equal(["corp.example", "x.example"], dns.Searches);
        Assert.Equal(["timeout:2"], dns.Options);
    }

    [Fact]
    public void ClusterFirstWithHostNet_HostNetworkPod_GetsTheClusterDns()
    {
        var dns = PodDnsConfig.For(Pod("ClusterFirstWithHostNet", hostNetwork: true), "10.96.0.10", "cluster.local", Host)!;

        Assert.Equal(["10.96.0.10"], dns.Nameservers);
        Assert.Equal("shop.svc.cluster.local", dns.Searches[0]);
        Assert.NotNull(PodDnsConfig.For(Pod("ClusterFirstWithHostNet"), "10.96.0.10", "cluster.local", Host));
    }

    [Fact]
    public void ClusterFirst_HostNetworkPod_KeepsTheHosts()
    {
        Assert.Null(PodDnsConfig.For(Pod("ClusterFirst", hostNetwork: true), "10.96.0.10", "cluster.local", Host));
    }

    [Fact]
    public void ResolvConf_RendersNameserversSearchesAndOptions()
    {
        var text = new PodDns(["10.96.0.10"], ["a.svc.cluster.local", "cluster.local"], ["ndots:5"]).ResolvConf();

        Assert.Equal("nameserver 10.96.0.10\nsearch a.svc.cluster.local cluster.local\noptions ndots:5\n", text);
        Assert.Equal("", new PodDns([], [], []).ResolvConf());
    }
}

using Cluster.Node.Proxy;
using k8s.Models;

namespace Cluster.Node.Tests.Proxy;

public sealed class ProxyModelTests
{
    private static V1Service Service(string name, string type = "ClusterIP", string clusterIp = "10.96.0.20", string? affinity = null, string? etp = null, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            ClusterIPs = clusterIp == "None" ? ["None"] : [clusterIp],
            Ports = ports,
            SessionAffinity = affinity,
            ExternalTrafficPolicy = etp,
            ExternalName = type == "ExternalName" ? "example.com" : null,
        },
    };

    private static V1EndpointSlice Slice(string service, string portName, int port, params (string Ip, bool Ready, string Node)[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = service + "-abc", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = portName, Port = port, Protocol = "TCP" }],
        Endpoints = [.. endpoints.Select(e => new V1Endpoint { Addresses = [e.Ip], Conditions = new V1EndpointConditions { Ready = e.Ready }, NodeName = e.Node })],
    };

    [Fact]
    public void Build_NamedPorts_MatchTheSlicePortOfTheSameName()
    {
        var service = Service("web", ports: [new V1ServicePort { Name = "http", Port = 80, TargetPort = "web" }, new V1ServicePort { Name = "admin", Port = 81 }]);
        var slice = Slice("web", "http", 8080, ("172.17.0.2", true, "n1"), ("172.17.0.3", false, "n2"));

        var ports = ProxyModel.Build([service], [slice], "n1");

        var http = Assert.Single(ports, p => p.PortName == "http");
        Assert.Equal(["172.17.0.2:8080", "172.17.0.3:8080"], http.Endpoints.Select(e => e.ToString()));
        Assert.Equal(["172.17.0.2:8080"], http.Usable.Select(e => e.ToString()));
        Assert.Equal(["172.17.0.2:8080"], http.UsableLocal.Select(e => e.ToString()));
        Assert.Empty(Assert.Single(ports, p => p.PortName == "admin").Endpoints);
    }

    [Fact]
    public void Build_HeadlessAndExternalName_AreNotForwarded()
    {
        var ports = ProxyModel.Build(
            [Service("headless", clusterIp: "None", ports: new V1ServicePort { Port = 80 }), Service("ext", type: "ExternalName", clusterIp: "", ports: new V1ServicePort { Port = 80 })], [], "n1");

        Assert.Empty(ports);
    }

    [Fact]
    public void Build_NodePortAffinityAndPolicies_AreCarried()
    {
        var service = Service("np", type: "NodePort", affinity: "ClientIP", etp: "Local", ports: new V1ServicePort { Port = 80, NodePort = 30080 });
        service.Spec.SessionAffinityConfig = new V1SessionAffinityConfig { ClientIP = new V1ClientIPConfig { TimeoutSeconds = 60 } };

        var port = Assert.Single(ProxyModel.Build([service], [], "n1"));

        Assert.Equal(30080, port.NodePort);
        Assert.True(port.ClientIpAffinity);
        Assert.Equal(60, port.AffinitySeconds);
        Assert.True(port.ExternalPolicyLocal);
        Assert.Equal("default/np", port.Key);
    }

    [Fact]
    public void Build_ClusterIpService_HasNoNodePortEvenIfOneIsSet()
    {
        var port = Assert.Single(ProxyModel.Build([Service("c", ports: new V1ServicePort { Port = 80, NodePort = 30081 })], [], "n1"));

        Assert.Equal(0, port.NodePort);
    }
}

using System.Net;
using Cluster.Node.Proxy;

namespace Cluster.Node.Tests.Proxy;

public sealed class IptablesRulesTests
{
    private const string PodCidr = "172.17.0.0/16";

    internal static ProxyServicePort Port(
        string name = "svc1", string portName = "p80", string protocol = "TCP", int nodePort = 0, bool affinity = false,
        bool externalLocal = false, bool internalLocal = false, params ProxyEndpoint[] endpoints) =>
        new("ns1", name, portName, protocol, [IPAddress.Parse("172.30.0.41")], 80, nodePort, [], affinity, 10800, externalLocal, internalLocal, endpoints);

    internal static ProxyEndpoint Endpoint(string ip, bool ready = true, bool local = true) => new(IPAddress.Parse(ip), 80, ready, local);

    private static string[] Lines(RuleSet rules) => rules.Text.Split('\n');

    [Fact]
    public void ChainNames_AreUpstreamsHashes()
    {
        var port = Port(endpoints: Endpoint("10.180.0.1"));

        // The names upstream's proxier tests expect for ns1/svc1:p80 and its endpoint 10.180.0.1:80.
        Assert.Equal("KUBE-SVC-XPGD46QRK7WJZT7O", IptablesRules.ServiceChain(port));
        Assert.Equal("KUBE-SEP-SXIVWICOYRO3J4NJ", IptablesRules.EndpointChain(port, port.Endpoints[0]));
    }

    [Fact]
    public void Build_ThreeEndpoints_EachGetsAThirdThroughRandomShares()
    {
        var port = Port(endpoints: [Endpoint("10.0.0.1"), Endpoint("10.0.0.2"), Endpoint("10.0.0.3")]);

        var lines = Lines(IptablesRules.Build([port], PodCidr));

        var svc = IptablesRules.ServiceChain(port);
        var shares = lines.Where(l => l.StartsWith("-A " + svc, StringComparison.Ordinal) && l.Contains("KUBE-SEP-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, shares.Count);
        Assert.Contains("--probability 0.3333333333", shares[0], StringComparison.Ordinal);
        Assert.Contains("--probability 0.5000000000", shares[1], StringComparison.Ordinal);
        Assert.DoesNotContain("--probability", shares[2], StringComparison.Ordinal);
        Assert.Contains($"-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 -j {svc}", lines);
        Assert.Contains($"-A {svc} -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 ! -s {PodCidr} -j KUBE-MARK-MASQ", lines);
        var sep = IptablesRules.EndpointChain(port, port.Endpoints[1]);
        Assert.Contains($"-A {sep} -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.0.0.2:80", lines);
        Assert.Contains($"-A {sep} -m comment --comment ns1/svc1:p80 -s 10.0.0.2/32 -j KUBE-MARK-MASQ", lines);
    }

    [Fact]
    public void Build_NoReadyEndpoints_RejectsInTheFilterTableAndMakesNoServiceChain()
    {
        var port = Port(nodePort: 30080, endpoints: Endpoint("10.0.0.1", ready: false));

        var rules = IptablesRules.Build([port], PodCidr);

        var lines = Lines(rules);
        Assert.Contains("-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 -j REJECT", lines);
        Assert.Contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT", lines);
        Assert.Empty(rules.ServiceChains);
        var filter = rules.Text[rules.Text.IndexOf("*filter", StringComparison.Ordinal)..];
        Assert.Contains("REJECT", filter, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NodePort_EntersByTheExternalChainMasqueradedThenTheServiceChain()
    {
        var port = Port(nodePort: 30080, endpoints: Endpoint("10.0.0.1"));

        var lines = Lines(IptablesRules.Build([port], PodCidr));

        var ext = IptablesRules.ExternalChain(port);
        Assert.Contains($"-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 30080 -j {ext}", lines);
        Assert.Contains($"-A {ext} -m comment --comment \"masquerade traffic for ns1/svc1:p80 external destinations\" -j KUBE-MARK-MASQ", lines);
        Assert.Contains($"-A {ext} -j {IptablesRules.ServiceChain(port)}", lines);
        Assert.Equal("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
            lines.Last(l => l.StartsWith("-A KUBE-SERVICES", StringComparison.Ordinal) && !l.Contains("REJECT", StringComparison.Ordinal) && !l.Contains("DROP", StringComparison.Ordinal)));
    }

    [Fact]
    public void Build_ExternalPolicyLocal_OutsideClientsOnlyToThisNodesEndpoints()
    {
        var port = Port(nodePort: 30080, externalLocal: true, endpoints: [Endpoint("10.0.0.1", local: true), Endpoint("10.0.0.2", local: false)]);

        var lines = Lines(IptablesRules.Build([port], PodCidr));

        var svl = IptablesRules.LocalChain(port);
        var ext = IptablesRules.ExternalChain(port);
        Assert.Contains($"-A {ext} -j {svl}", lines);
        Assert.Single(lines, l => l.StartsWith("-A " + svl, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-A " + svl, StringComparison.Ordinal) && l.EndsWith(IptablesRules.EndpointChain(port, port.Endpoints[0]), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("-A " + ext + " -m comment --comment \"masquerade traffic", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ExternalPolicyLocalWithoutLocalEndpoints_DropsOutsideTraffic()
    {
        var port = Port(nodePort: 30080, externalLocal: true, endpoints: Endpoint("10.0.0.2", local: false));

        var lines = Lines(IptablesRules.Build([port], PodCidr));

        Assert.Contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP", lines);
    }

    [Fact]
    public void Build_InternalPolicyLocal_ClusterIpGoesToLocalEndpointsOnly_OrIsDropped()
    {
        var withLocal = Port(internalLocal: true, endpoints: [Endpoint("10.0.0.1", local: true), Endpoint("10.0.0.2", local: false)]);
        var withoutLocal = Port(name: "svc2", internalLocal: true, endpoints: Endpoint("10.0.0.2", local: false));

        var lines = Lines(IptablesRules.Build([withLocal, withoutLocal], PodCidr));

        Assert.Contains(lines, l => l.StartsWith("-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\"", StringComparison.Ordinal) && l.EndsWith("-j " + IptablesRules.LocalChain(withLocal), StringComparison.Ordinal));
        Assert.Contains("-A KUBE-SERVICES -m comment --comment \"ns1/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 -j DROP", lines);
    }

    [Fact]
    public void Build_ClientIpAffinity_RemembersAndChecksEachEndpoint()
    {
        var port = Port(affinity: true, endpoints: [Endpoint("10.0.0.1"), Endpoint("10.0.0.2")]) with { AffinitySeconds = 60 };

        var lines = Lines(IptablesRules.Build([port], PodCidr));

        var sep = IptablesRules.EndpointChain(port, port.Endpoints[0]);
        Assert.Contains($"-A {IptablesRules.ServiceChain(port)} -m comment --comment \"ns1/svc1:p80 -> 10.0.0.1:80\" -m recent --name {sep} --rcheck --seconds 60 --reap -j {sep}", lines);
        Assert.Contains($"-A {sep} -m comment --comment ns1/svc1:p80 -m recent --name {sep} --set -m tcp -p tcp -j DNAT --to-destination 10.0.0.1:80", lines);
    }

    [Fact]
    public void Build_StaleChains_AreDeclaredAndDeletedInTheSameRestore()
    {
        var port = Port(endpoints: Endpoint("10.0.0.1"));
        var kept = IptablesRules.ServiceChain(port);

        var rules = IptablesRules.Build([port], PodCidr, ["KUBE-SVC-GONEGONEGONEGONE", kept]);

        var lines = Lines(rules);
        Assert.Contains(":KUBE-SVC-GONEGONEGONEGONE - [0:0]", lines);
        Assert.Contains("-X KUBE-SVC-GONEGONEGONEGONE", lines);
        Assert.DoesNotContain("-X " + kept, lines);
        Assert.DoesNotContain("KUBE-SVC-GONEGONEGONEGONE", rules.ServiceChains);
    }

    [Fact]
    public void Build_SameInput_SameText()
    {
        var ports = new[] { Port(endpoints: [Endpoint("10.0.0.2"), Endpoint("10.0.0.1")]), Port(name: "svc2", nodePort: 30001, endpoints: Endpoint("10.0.0.3")) };

        Assert.Equal(IptablesRules.Build(ports, PodCidr).Text, IptablesRules.Build(ports, PodCidr).Text);
    }

    [Fact]
    public void PartialText_AfterOneServiceChanged_RewritesItsChainsAndTheFixedOnesOnly()
    {
        var ports = Enumerable.Range(0, 5).Select(i => Port(name: "svc" + i, endpoints: Endpoint("10.0.0." + (i + 1)))).ToList();
        var before = IptablesRules.Build(ports, PodCidr);
        ports[2] = Port(name: "svc2", endpoints: [Endpoint("10.0.0.3"), Endpoint("10.0.1.3")]);

        var after = IptablesRules.Build(ports, PodCidr, before.ServiceChains, before.Bodies);

        var declared = after.PartialText.Split('\n').Where(l => l.StartsWith(":KUBE-SVC-", StringComparison.Ordinal) || l.StartsWith(":KUBE-SEP-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var changed = new[] { IptablesRules.ServiceChain(ports[2]), IptablesRules.EndpointChain(ports[2], ports[2].Endpoints[1]) }.Select(c => ":" + c + " - [0:0]").Order(StringComparer.Ordinal);
        Assert.Equal(changed, declared);
        Assert.Contains(":KUBE-SERVICES - [0:0]", after.PartialText, StringComparison.Ordinal);
        Assert.Equal(IptablesRules.Build(ports, PodCidr).Text, after.Text);
    }

    [Fact]
    public void Cleanup_DeletesTheJumpsAsSavedThenEveryProxyChain()
    {
        const string nat = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :DOCKER - [0:0]
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]
            -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-SVC-AAAAAAAAAAAAAAAA
            COMMIT
            """;

        var text = IptablesRules.Cleanup(nat, "*filter\nCOMMIT\n");

        Assert.Contains("-D PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n", text, StringComparison.Ordinal);
        Assert.Contains("-X KUBE-SERVICES\n", text, StringComparison.Ordinal);
        Assert.Contains("-X KUBE-SVC-AAAAAAAAAAAAAAAA\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DOCKER", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("-D PREROUTING", StringComparison.Ordinal) < text.IndexOf("-X KUBE-SERVICES", StringComparison.Ordinal));
    }

    [Fact]
    public void HasJump_MatchesTheRuleAsIptablesSaveWordsIt()
    {
        const string save = "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n-A INPUT -j KUBE-PROXY-FIREWALL\n";
        var (_, _, prerouting) = IptablesRules.Jumps[0];
        var (_, _, firewall) = IptablesRules.Jumps.Single(j => j.Chain == "INPUT" && j.Rule[^1] == IptablesRules.Firewall);
        var (_, _, externals) = IptablesRules.Jumps.First(j => j.Chain == "INPUT" && j.Rule[^1] == IptablesRules.ExternalServices);

        Assert.True(IptablesRules.HasJump(save, "PREROUTING", prerouting));
        Assert.True(IptablesRules.HasJump(save, "INPUT", firewall));
        Assert.False(IptablesRules.HasJump(save, "INPUT", externals));
        Assert.False(IptablesRules.HasJump(save, "OUTPUT", prerouting));
    }
}

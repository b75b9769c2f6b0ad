using Cluster.Node.Proxy;
using static Cluster.Node.Tests.Proxy.IptablesRulesTests;

namespace Cluster.Node.Tests.Proxy;

public sealed class StaleUdpFlowsTests
{
    private static string[] Lines(IReadOnlyList<IReadOnlyList<string>> filters) => [.. filters.Select(f => string.Join(' ', f))];

    [Fact]
    public void Between_UdpEndpointRemoved_DeletesItsFlowsByServiceAddressAndNodePort()
    {
        var before = Port(protocol: "UDP", nodePort: 30053, endpoints: [Endpoint("10.0.0.1"), Endpoint("10.0.0.2")]);
        var after = Port(protocol: "UDP", nodePort: 30053, endpoints: Endpoint("10.0.0.2"));

        var filters = Lines(StaleUdpFlows.Between([before], [after]));

        Assert.Equal(["-p udp --orig-dst 172.30.0.41 --dst-nat 10.0.0.1", "-p udp --dport 30053 --dst-nat 10.0.0.1"], filters);
    }

    [Fact]
    public void Between_UdpEndpointTurnsNotReady_CountsAsRemoved()
    {
        var before = Port(protocol: "UDP", endpoints: [Endpoint("10.0.0.1"), Endpoint("10.0.0.2")]);
        var after = Port(protocol: "UDP", endpoints: [Endpoint("10.0.0.1", ready: false), Endpoint("10.0.0.2")]);

        Assert.Equal(["-p udp --orig-dst 172.30.0.41 --dst-nat 10.0.0.1"], Lines(StaleUdpFlows.Between([before], [after])));
    }

    [Fact]
    public void Between_UdpServiceGetsItsFirstEndpoint_DeletesEveryFlowToIt()
    {
        var before = Port(protocol: "UDP", nodePort: 30053);
        var after = Port(protocol: "UDP", nodePort: 30053, endpoints: Endpoint("10.0.0.1"));

        Assert.Equal(["-p udp --orig-dst 172.30.0.41", "-p udp --dport 30053"], Lines(StaleUdpFlows.Between([before], [after])));
        Assert.Equal(["-p udp --orig-dst 172.30.0.41"], Lines(StaleUdpFlows.Between([], [Port(protocol: "UDP", endpoints: Endpoint("10.0.0.1"))])));
    }

    [Fact]
    public void Between_UdpServiceDeleted_DeletesTheFlowsToItsEndpoints()
    {
        var before = Port(protocol: "UDP", endpoints: Endpoint("10.0.0.1"));

        Assert.Equal(["-p udp --orig-dst 172.30.0.41 --dst-nat 10.0.0.1"], Lines(StaleUdpFlows.Between([before], [])));
    }

    [Fact]
    public void Between_TcpOrUnchanged_NothingToDelete()
    {
        var udp = Port(protocol: "UDP", endpoints: Endpoint("10.0.0.1"));
        var tcp = Port(name: "tcp", endpoints: Endpoint("10.0.0.1"));

        Assert.Empty(StaleUdpFlows.Between([udp, tcp], [udp, Port(name: "tcp")]));
    }
}

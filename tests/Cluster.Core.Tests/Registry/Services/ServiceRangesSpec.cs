using System.Text.Json.Nodes;
using Cluster.Core.Registry.Services;

namespace Cluster.Core.Tests.Registry.Services;

public sealed class ServiceRangesSpec
{
    [Theory]
    [InlineData("10.96.0.0/12", "10.96.0.0/12", 1048574, "10.96.0.1")]
    [InlineData("10.96.5.7/24", "10.96.5.0/24", 254, "10.96.5.1")]
    [InlineData("192.168.0.0/31", "192.168.0.0/31", 2, "192.168.0.1")]
    public void Parse_Cidr_NetworkUsableAndFirst(string cidr, string normalized, long usable, string first)
    {
        var range = ServiceIPRange.Parse(cidr);

        Assert.Equal((normalized, usable, first), (range.ToString(), range.Usable, range.First));
    }

    [Theory]
    [InlineData("10.96.0.0")]
    [InlineData("10.96.0.0/33")]
    [InlineData("fd00::/108")]
    [InlineData("10.96/12")]
    public void Parse_NotAnIPv4Cidr_Throws(string cidr) => Assert.Throws<FormatException>(() => ServiceIPRange.Parse(cidr));

    [Theory]
    [InlineData("10.96.0.1", true)]
    [InlineData("10.111.255.254", true)]
    [InlineData("10.96.0.0", false)]
    [InlineData("10.111.255.255", false)]
    [InlineData("10.112.0.1", false)]
    [InlineData("1.2.3.4", false)]
    [InlineData("not-an-ip", false)]
    public void Contains_DefaultRange_NetworkAndBroadcastExcluded(string ip, bool expected) =>
        Assert.Equal(expected, ServiceIPRange.Default.Contains(ip));

    [Theory]
    [InlineData("30000-32767", 30000, 32767)]
    [InlineData("80-80", 80, 80)]
    public void NodePortRange_Parse_BothEndsIncluded(string text, int first, int last)
    {
        var range = NodePortRange.Parse(text);

        Assert.Equal((first, last, last - first + 1), (range.Base, range.Last, range.Size));
        Assert.True(range.Contains(first) && range.Contains(last) && !range.Contains(first - 1) && !range.Contains(last + 1));
    }

    [Theory]
    [InlineData("32767-30000")]
    [InlineData("0-100")]
    [InlineData("30000")]
    [InlineData("30000-70000")]
    public void NodePortRange_Parse_Invalid_Throws(string text) => Assert.Throws<FormatException>(() => NodePortRange.Parse(text));

    [Theory]
    [InlineData("""{"type":"ClusterIP","ports":[{"port":80}]}""", null, "", new long[] { -1 }, null)]
    [InlineData("""{"type":"NodePort","clusterIP":"10.96.5.5","ports":[{"port":80},{"port":81,"nodePort":30080}]}""", null, "10.96.5.5", new long[] { 0, 30080 }, "10.96.5.5")]
    [InlineData("""{"type":"ExternalName","externalName":"db.example.com"}""", null, null, new long[0], null)]
    [InlineData("""{"type":"ClusterIP","clusterIP":"None","ports":[{"port":80}]}""", null, "None", new long[] { -1 }, null)]
    [InlineData("""{"type":"LoadBalancer","allocateLoadBalancerNodePorts":false,"ports":[{"port":80}]}""", null, "", new long[] { -1 }, null)]
    [InlineData("""{"type":"NodePort","clusterIP":"10.96.5.5","ports":[{"port":80,"nodePort":30080}]}""", """{"type":"NodePort","clusterIP":"10.96.5.5","ports":[{"port":80,"nodePort":30080}]}""", "10.96.5.5", new long[] { 30080 }, null)]
    public void Needs_PreparedSpec_WhatToDrawAndWhatToReserve(string spec, string? stored, string? clusterIP, long[] nodePorts, string? reserveIP)
    {
        var needs = ServiceNeeds.Of(Wrap(spec)!, Wrap(stored));

        Assert.Equal(clusterIP, needs.ClusterIP);
        Assert.Equal(nodePorts, needs.NodePorts);
        Assert.Equal(reserveIP, needs.IPToReserve);
    }

    [Fact]
    public void Needs_NodePortToClusterIP_ReleasesTheHeldPortsKeepsTheIP()
    {
        var needs = ServiceNeeds.Of(
            Wrap("""{"type":"ClusterIP","clusterIP":"10.96.5.5","ports":[{"port":80}]}""")!,
            Wrap("""{"type":"NodePort","clusterIP":"10.96.5.5","ports":[{"port":80,"nodePort":30080},{"port":53,"protocol":"UDP","nodePort":30053}]}"""));

        Assert.Empty(needs.PortsToReserve());
        var (ip, ports) = needs.Released("10.96.5.5", [0]);
        Assert.Null(ip);
        Assert.Equal([30053L, 30080L], ports);
    }

    [Fact]
    public void Needs_SamePortForTcpAndUdp_ReservedOnce()
    {
        var needs = ServiceNeeds.Of(Wrap("""{"type":"NodePort","ports":[{"port":53,"nodePort":30053},{"port":53,"protocol":"UDP","nodePort":30053}]}""")!, null);

        Assert.Equal([(0, 30053L)], needs.PortsToReserve());
    }

    private static JsonObject? Wrap(string? spec) => spec is null ? null : new JsonObject { ["spec"] = JsonNode.Parse(spec) };
}

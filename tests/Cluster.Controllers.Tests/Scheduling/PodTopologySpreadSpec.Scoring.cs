using Cluster.Controllers.Scheduling.Plugins;
using Cluster.Core.Registry.Selectors;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.Select;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>TestPodTopologySpreadScore (scoring_test.go): candidate nodes, existing pods and the normalized scores upstream expects.</summary>
public sealed partial class PodTopologySpreadSpec
{
    private const string Hostname = "kubernetes.io/hostname";

    private static V1LabelSelector BarSelector => Exists("bar");

    /// <summary>Nodes labelled only with their hostname.</summary>
    private static SpreadTestCluster HostNodes(params string[] names)
    {
        var cluster = new SpreadTestCluster();
        foreach (var name in names)
        {
            cluster.WithNode(name, Hostname + "=" + name);
        }

        return cluster;
    }

    /// <summary>node-a, node-b in zone1 and node-x, node-y in zone2, with hostnames.</summary>
    private static SpreadTestCluster ZoneNodes() => new SpreadTestCluster()
        .WithNode("node-a", "zone=zone1", Hostname + "=node-a").WithNode("node-b", "zone=zone1", Hostname + "=node-b")
        .WithNode("node-x", "zone=zone2", Hostname + "=node-x").WithNode("node-y", "zone=zone2", Hostname + "=node-y");

    /// <summary>node-a, node-b carry the label foo, node-c does not; spread by the <c>node</c> label.</summary>
    private static SpreadTestCluster FooLabelledNodes() => new SpreadTestCluster()
        .WithNode("node-a", "node=node-a", "foo").WithNode("node-b", "node=node-b", "foo").WithNode("node-c", "node=node-c")
        .With(FooPods("node-a", "node-a", "node-b", "node-c"));

    private static TestPod HostSpread(int maxSkew = 1) => Incoming().Spread(maxSkew, Hostname, ScheduleAnyway, Foo);

    private static readonly Dictionary<string, (TestPod Pod, Func<SpreadTestCluster> Cluster, string[] Feasible, long[] Want)> ScoreCases = new()
    {
        ["one constraint on node, no existing pods"] = (HostSpread(), () => HostNodes("node-a", "node-b"), [], [100, 100]),
        ["one constraint on node, only one node is candidate"] = (
            HostSpread(), () => HostNodes("node-a", "node-b").With(FooPods("node-a", "node-a", "node-b")), ["node-a"], [100]),
        ["one constraint on node, all nodes have the same number of matching pods"] = (
            HostSpread(), () => HostNodes("node-a", "node-b").With(FooPods("node-a", "node-b")), [], [100, 100]),
        ["one constraint on node, all 4 nodes are candidates"] = (
            HostSpread(), () => HostNodes("node-a", "node-b", "node-c", "node-d").With(FooPods("node-a", "node-a", "node-b", "node-d", "node-d", "node-d")),
            [], [20, 60, 100, 0]),
        ["one constraint on node, null selector"] = (
            Incoming().Spread(1, Hostname, ScheduleAnyway, null),
            () => HostNodes("node-a", "node-b", "node-c", "node-d").With(FooPods("node-a", "node-a", "node-b", "node-d", "node-d", "node-d")),
            [], [100, 100, 100, 100]),
        ["one constraint on node, all 4 nodes are candidates, maxSkew=2"] = (
            HostSpread(2), () => HostNodes("node-a", "node-b", "node-c", "node-d").With(FooPods("node-a", "node-a", "node-b", "node-d", "node-d", "node-d")),
            [], [33, 66, 100, 16]),
        ["one constraint on node, all 4 nodes are candidates, maxSkew=3"] = (
            HostSpread(3), () => HostNodes("node-a", "node-b", "node-c", "node-d").With(Spread4321), [], [44, 66, 77, 100]),
        ["one constraint on node, 3 out of 4 nodes are candidates"] = (
            HostSpread(), () => HostNodes("node-a", "node-b", "node-x", "node-y").With(Spread4213), ["node-a", "node-b", "node-x"], [33, 83, 100]),
        ["one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key"] = (
            HostSpread(),
            () => HostNodes("node-a").WithNode("node-b", "n=node-b").WithNode("node-x", Hostname + "=node-x").WithNode("node-y", Hostname + "=node-y").With(Spread4213),
            ["node-a", "node-b", "node-x"], [16, 0, 100]),
        ["one constraint on zone, 3 out of 4 nodes are candidates"] = (
            Incoming().Spread(1, "zone", ScheduleAnyway, Foo), () => ZoneNodes().With(Spread4213), ["node-a", "node-b", "node-x"], [75, 75, 100]),
        ["two constraints on zone and node, 2 out of 4 nodes are candidates"] = (
            Incoming().Spread(1, "zone", ScheduleAnyway, Foo).Spread(1, Hostname, ScheduleAnyway, Foo),
            () => ZoneNodes().With(FooPods("node-a", "node-a", "node-b", "node-x", "node-x", "node-y", "node-y", "node-y", "node-y")),
            ["node-a", "node-x"], [100, 63]),
        ["two constraints on zone and node, with different labelSelectors"] = (
            Incoming().Label("bar").Spread(1, "zone", ScheduleAnyway, Foo).Spread(1, Hostname, ScheduleAnyway, BarSelector),
            () => ZoneNodes().With(FooBarPods), [], [60, 20, 100, 60]),
        ["two constraints on zone and node, with different labelSelectors, some nodes have 0 pods"] = (
            Incoming().Label("bar").Spread(1, "zone", ScheduleAnyway, Foo).Spread(1, Hostname, ScheduleAnyway, BarSelector),
            () => ZoneNodes().With(TestPod.Make("p-b1").Label("bar").On("node-b"), TestPod.Make("p-x1").Label("foo").On("node-x"), TestPod.Make("p-y1").Label("foo", "bar").On("node-y")),
            [], [100, 60, 40, 0]),
        ["two constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates"] = (
            Incoming().Label("bar").Spread(1, "zone", ScheduleAnyway, Foo).Spread(1, Hostname, ScheduleAnyway, BarSelector),
            () => ZoneNodes().With(FooBarPods), ["node-a", "node-b", "node-x"], [50, 25, 100]),
        ["existing pods in a different namespace do not count"] = (
            HostSpread(), () => HostNodes("node-a", "node-b").With(TestPod.Make("p-a1", "ns1").Label("foo").On("node-a")).With(FooPods("node-a", "node-b", "node-b")),
            [], [100, 33]),
        ["terminating Pods should be excluded"] = (
            HostSpread(), () => HostNodes("node-a", "node-b").With(TestPod.Make("p-a").Label("foo").On("node-a").Terminating()).With(FooPods("node-b")), [], [100, 0]),
        ["minDomains has no effect when ScheduleAnyway"] = (
            Incoming().Spread(2, "node", ScheduleAnyway, Foo, minDomains: 10),
            () => new SpreadTestCluster().WithNode("node-a", "node=node-a").WithNode("node-b", "node=node-b").WithNode("node-c", "node=node-c")
                .With(FooPods("node-a", "node-a", "node-b", "node-b", "node-c")),
            [], [75, 75, 100]),
        ["NodeAffinityPolicy honored with labelSelectors"] = (
            Incoming().NodeSelector("foo").Spread(1, "node", ScheduleAnyway, Foo), FooLabelledNodes, [], [0, 33, 100]),
        ["NodeAffinityPolicy ignored with labelSelectors"] = (
            Incoming().NodeSelector("foo").Spread(1, "node", ScheduleAnyway, Foo, nodeAffinityPolicy: "Ignore"), FooLabelledNodes, [], [66, 100, 100]),
        ["NodeAffinityPolicy honored with nodeAffinity"] = (
            Incoming().NodeAffinityIn("foo", "").Spread(1, "node", ScheduleAnyway, Foo), FooLabelledNodes, [], [0, 33, 100]),
        ["NodeAffinityPolicy ignored with nodeAffinity"] = (
            Incoming().NodeAffinityIn("foo", "").Spread(1, "node", ScheduleAnyway, Foo, nodeAffinityPolicy: "Ignore"), FooLabelledNodes, [], [66, 100, 100]),
    };

    /// <summary>Matching pods spread as 4/3/2/1 over node-a..node-d.</summary>
    private static TestPod[] Spread4321 => FooPods("node-a", "node-a", "node-a", "node-a", "node-b", "node-b", "node-b", "node-c", "node-c", "node-d");

    /// <summary>Matching pods spread as 4/2/1/3 over node-a, node-b, node-x, node-y.</summary>
    private static TestPod[] Spread4213 => FooPods("node-a", "node-a", "node-a", "node-a", "node-b", "node-b", "node-x", "node-y", "node-y", "node-y");

    /// <summary>P{foo} on node-a, P{foo, bar} on node-b, P{foo} and P{bar} on node-y.</summary>
    private static TestPod[] FooBarPods =>
    [
        TestPod.Make("p-a1").Label("foo").On("node-a"), TestPod.Make("p-b1").Label("foo", "bar").On("node-b"),
        TestPod.Make("p-y1").Label("foo").On("node-y"), TestPod.Make("p-y2").Label("bar").On("node-y"),
    ];

    public static TheoryData<string> ScoreCaseNames => [.. ScoreCases.Keys];

    [Theory]
    [MemberData(nameof(ScoreCaseNames))]
    public void Score_UpstreamCase_GivesUpstreamScores(string name)
    {
        var (pod, cluster, feasible, want) = ScoreCases[name];

        var got = cluster().Score(new PodTopologySpread(_ => null), pod, feasible);

        Assert.Equal(want, got.Values);
    }

    [Fact]
    public void Score_SystemDefaultsWithServiceSelector_NodesWithoutZoneStillSpreadByHostname()
    {
        var cluster = HostNodes("node-a", "node-b", "node-c", "node-d").With(Spread4321);
        var plugin = new PodTopologySpread(_ => LabelSelector.FromMap(new Dictionary<string, string> { ["foo"] = "" }));

        var got = cluster.Score(plugin, TestPod.Make("p").Label("foo"));

        // Upstream's "system defaulting, nodes don't have zone, pods match service": as one hostname constraint with maxSkew 3.
        Assert.Equal([44, 66, 77, 100], got.Values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Score_NoConstraintsAndNoControllerSelector_NoSpreading(bool selectsEverything)
    {
        var cluster = HostNodes("node-a", "node-b").With(FooPods("node-a", "node-a"));
        var plugin = new PodTopologySpread(_ => selectsEverything ? LabelSelector.Everything : null);

        var got = cluster.Score(plugin, TestPod.Make("p").Label("foo"));

        Assert.Equal([0, 0], got.Values);
    }
}

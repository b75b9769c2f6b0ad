using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.Select;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>Cases ported from upstream's podtopologyspread filtering_test.go (TestSingleConstraint, TestMultipleConstraints) and scoring_test.go.</summary>
public sealed partial class PodTopologySpreadSpec
{
    private const string DoNotSchedule = "DoNotSchedule";
    private const string ScheduleAnyway = "ScheduleAnyway";
    private const string Fits = "Success: ";

    private static readonly string Skew = SpreadTestCluster.Verdict(FilterResult.Unschedulable(PodTopologySpread.ConstraintsNotMatch));
    private static readonly string MissingLabel = SpreadTestCluster.Verdict(FilterResult.Unresolvable(PodTopologySpread.NodeLabelNotMatch));
    private static V1LabelSelector Foo => Exists("foo");
    private static readonly V1Taint[] NoScheduleTaint = [new V1Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoSchedule" }];

    private static TestPod Incoming() => TestPod.Make("p").Label("foo");

    private static TestPod[] FooPods(params string[] nodes) => [.. nodes.Select((n, i) => TestPod.Make("p-" + n + i).Label("foo").On(n))];

    /// <summary>Upstream's four nodes: node-a and node-b in zone1, node-x and node-y in zone2, each with its <c>node</c> label.</summary>
    private static SpreadTestCluster FourNodes(string nodeBZoneKey = "zone", V1Taint[]? nodeXTaints = null) => new SpreadTestCluster()
        .WithNode("node-a", "zone=zone1", "node=node-a").WithNode("node-b", nodeBZoneKey + "=zone1", "node=node-b")
        .WithNode("node-x", nodeXTaints ?? [], "zone=zone2", "node=node-x").WithNode("node-y", "zone=zone2", "node=node-y");

    /// <summary>Matching pods spread over node-a/b/x/y as 2/1/0/3 (zones 3/3).</summary>
    private static readonly TestPod[] Spread2103 = FooPods("node-a", "node-a", "node-b", "node-y", "node-y", "node-y");

    private static readonly Dictionary<string, (TestPod Pod, Func<SpreadTestCluster> Cluster, string[] Want)> FilterCases = new()
    {
        ["no existing pods"] = (Incoming().Spread(1, "zone", DoNotSchedule, Foo), () => FourNodes(), [Fits, Fits, Fits, Fits]),
        ["no existing pods, incoming pod doesn't match itself"] = (
            Incoming().Spread(1, "zone", DoNotSchedule, Exists("bar")), () => FourNodes(), [Fits, Fits, Fits, Fits]),
        ["existing pods in a different namespace do not count"] = (
            Incoming().Spread(1, "zone", DoNotSchedule, Foo),
            () => FourNodes().With(TestPod.Make("p-a1", "ns1").Label("foo").On("node-a"), TestPod.Make("p-b1", "ns2").Label("foo").On("node-a")).With(FooPods("node-x", "node-y")),
            [Fits, Fits, Skew, Skew]),
        ["pods spread across zones as 3/3, all nodes fit"] = (Incoming().Spread(1, "zone", DoNotSchedule, Foo), () => FourNodes().With(Spread2103), [Fits, Fits, Fits, Fits]),
        ["pods spread across zones as 1/2 due to absence of label 'zone' on node-b"] = (
            Incoming().Spread(1, "zone", DoNotSchedule, Foo), () => FourNodes("zon").With(FooPods("node-a", "node-b", "node-x", "node-y")),
            [Fits, MissingLabel, Skew, Skew]),
        ["pods spread across nodes as 2/1/0/3, only node-x fits"] = (
            Incoming().Spread(1, "node", DoNotSchedule, Foo), () => FourNodes().With(Spread2103), [Skew, Skew, Fits, Skew]),
        ["pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit"] = (
            Incoming().Spread(2, "node", DoNotSchedule, Foo), () => FourNodes().With(Spread2103), [Skew, Fits, Fits, Skew]),
        ["pods spread across nodes as 2/1/0/3, but pod doesn't match itself"] = (
            TestPod.Make("p").Label("bar").Spread(1, "node", DoNotSchedule, Foo), () => FourNodes().With(Spread2103), [Skew, Fits, Fits, Skew]),
        ["incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits"] = (
            Incoming().NodeAffinityIn("node", "node-a", "node-y").Spread(1, "node", DoNotSchedule, Foo), () => FourNodes().With(Spread2103),
            [Fits, Fits, Fits, Skew]),
        ["nodeAffinityPolicy Ignore counts every node, so only node-x fits"] = (
            Incoming().NodeAffinityIn("node", "node-a", "node-y").Spread(1, "node", DoNotSchedule, Foo, nodeAffinityPolicy: "Ignore"),
            () => FourNodes().With(Spread2103), [Skew, Skew, Fits, Skew]),
        ["nodeTaintsPolicy Honor leaves the untolerated tainted node-x out of the minimum"] = (
            Incoming().Spread(1, "node", DoNotSchedule, Foo, nodeTaintsPolicy: "Honor"), () => FourNodes(nodeXTaints: NoScheduleTaint).With(Spread2103),
            [Skew, Fits, Fits, Skew]),
        ["nodeTaintsPolicy Honor counts a tainted node the pod tolerates"] = (
            Incoming().Tolerate("node.kubernetes.io/unreachable", "NoSchedule").Spread(1, "node", DoNotSchedule, Foo, nodeTaintsPolicy: "Honor"),
            () => FourNodes(nodeXTaints: NoScheduleTaint).With(Spread2103), [Skew, Skew, Fits, Skew]),
        ["fewer domains than minDomains make the global minimum 0"] = (
            Incoming().Spread(1, "zone", DoNotSchedule, Foo, minDomains: 3), () => FourNodes().With(FooPods("node-a", "node-x")), [Skew, Skew, Skew, Skew]),
        ["as many domains as minDomains keep the real minimum"] = (
            Incoming().Spread(1, "zone", DoNotSchedule, Foo, minDomains: 2), () => FourNodes().With(FooPods("node-a", "node-x")), [Fits, Fits, Fits, Fits]),
        ["matchLabelKeys count only the pod's own revision"] = (
            Incoming().Label("rev=v2").Spread(1, "node", DoNotSchedule, Foo, matchLabelKeys: ["rev"]),
            () => FourNodes().With(TestPod.Make("a1").Label("foo", "rev=v1").On("node-a"), TestPod.Make("a2").Label("foo", "rev=v1").On("node-a"), TestPod.Make("b1").Label("foo", "rev=v2").On("node-b")),
            [Fits, Skew, Fits, Fits]),
        ["without matchLabelKeys every revision counts"] = (
            Incoming().Label("rev=v2").Spread(1, "node", DoNotSchedule, Foo),
            () => FourNodes().With(TestPod.Make("a1").Label("foo", "rev=v1").On("node-a"), TestPod.Make("a2").Label("foo", "rev=v1").On("node-a"), TestPod.Make("b1").Label("foo", "rev=v2").On("node-b")),
            [Skew, Skew, Fits, Fits]),
        ["ScheduleAnyway constraints never filter"] = (Incoming().Spread(1, "rack", ScheduleAnyway, Foo), () => FourNodes().With(Spread2103), [Fits, Fits, Fits, Fits]),
        ["two constraints on zone and node, spreads = [3/3, 2/1/0/3]"] = (
            Incoming().Spread(1, "zone", DoNotSchedule, Foo).Spread(1, "node", DoNotSchedule, Foo), () => FourNodes().With(Spread2103), [Skew, Skew, Fits, Skew]),
    };

    public static TheoryData<string> FilterCaseNames => [.. FilterCases.Keys];

    [Theory]
    [MemberData(nameof(FilterCaseNames))]
    public void Filter_UpstreamCase_GivesUpstreamVerdictPerNode(string name)
    {
        var (pod, cluster, want) = FilterCases[name];

        var got = cluster().Filter(new PodTopologySpread(_ => null), pod);

        Assert.Equal(want, got.Values.Select(SpreadTestCluster.Verdict));
    }

    [Fact]
    public void Filter_NoNodeHasTheTopologyKey_EveryNodeUnresolvable()
    {
        var cluster = new SpreadTestCluster().WithNode("node-a", "zone=zone1", "node=node-a").WithNode("node-x", "zone=zone2", "node=node-x");

        var got = cluster.Filter(new PodTopologySpread(_ => null), Incoming().Spread(1, "rack", DoNotSchedule, Foo));

        Assert.Equal([MissingLabel, MissingLabel], got.Values.Select(SpreadTestCluster.Verdict));
    }

    [Fact]
    public void Filter_TerminatingPodsExcluded_NodeWithOnlyATerminatingPodFits()
    {
        var cluster = new SpreadTestCluster().WithNode("node-a", "node=node-a").WithNode("node-b", "node=node-b")
            .With(TestPod.Make("p-a").Label("foo").On("node-a").Terminating(), TestPod.Make("p-b").Label("foo").On("node-b"));

        var got = cluster.Filter(new PodTopologySpread(_ => null), Incoming().Spread(1, "node", DoNotSchedule, Foo));

        Assert.Equal([Fits, Skew], got.Values.Select(SpreadTestCluster.Verdict));
    }

    [Fact]
    public void Filter_WithConstraintsOnFittingNode_AllocatesNothingPerNode()
    {
        var cluster = FourNodes().With(Spread2103);
        var plugin = new PodTopologySpread(_ => null);
        var state = new CycleState();
        var pod = Incoming().NodeAffinityIn("node", "node-x").Spread(1, "node", DoNotSchedule, Foo).Spread(1, "zone", DoNotSchedule, Foo).Info();
        plugin.PreFilter(state, pod, cluster);
        var node = cluster.Node("node-x")!;
        Assert.True(plugin.Filter(state, pod, node).IsSuccess);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            plugin.Filter(state, pod, node);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.Select;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>TestPreferredAffinity (scoring_test.go): nodes, existing pods and the normalized scores upstream expects.</summary>
public sealed partial class InterPodAffinitySpec
{
    private static readonly string[] China = ["region=China"];
    private static readonly string[] India = ["region=India"];
    private static readonly string[] Az1 = ["az=az1"];
    private static readonly string[] Az2 = ["az=az2"];
    private static readonly string[] ChinaAz1 = ["region=China", "az=az1"];

    private static TestPod StayWithS1InRegion(TestPod pod) => pod.PreferredAffinity(5, Term(In("security", "S1"), "region"));

    private static TestPod StayWithS2InRegion(TestPod pod) => pod.PreferredAffinity(6, Term(In("security", "S2"), "region"));

    private static TestPod AwayFromS1InAz(TestPod pod) => pod.PreferredAntiAffinity(5, Term(In("security", "S1"), "az"));

    private static TestPod AwayFromS2InAz(TestPod pod) => pod.PreferredAntiAffinity(5, Term(In("security", "S2"), "az"));

    private static TestPod StayWithS1InRegionAwayFromS2InAz(TestPod pod) =>
        pod.PreferredAffinity(8, Term(In("security", "S1"), "region")).PreferredAntiAffinity(5, Term(In("security", "S2"), "az"));

    private static TestPod HardAffinity(TestPod pod) =>
        pod.RequiredAffinity(Term(In("security", "S1", "value2"), "region"), Term(SecurityExistsWithoutWrongKey, "region"));

    private static readonly V1LabelSelector SecurityExistsWithoutWrongKey =
        new() { MatchExpressions = [.. Exists("security").MatchExpressions, .. Expression("wrongkey", "DoesNotExist").MatchExpressions] };

    private static TestPod S1(string node) => TestPod.Make("s1-" + node).Label("security=S1").On(node);

    private static TestPod S2(string node) => TestPod.Make("s2-" + node).Label("security=S2").On(node);

    private static readonly Dictionary<string, (TestPod Pod, string[][] Nodes, TestPod[] Existing, long[] Want)> ScoreCases = new()
    {
        ["all nodes same priority as affinity is nil"] = (TestPod.Make("p").Label("security=S1"), [China, India, Az1], [], [0, 0, 0]),
        ["affinity: node with matching pod in the topology scores highest"] = (
            StayWithS1InRegion(TestPod.Make("p").Label("security=S1")), [China, India, Az1], [S1("node1"), S2("node2"), S1("node3")], [100, 0, 0]),
        ["affinity: nodes sharing the matching pod's topology value score the same"] = (
            StayWithS1InRegion(TestPod.Make("p")), [China, ChinaAz1, India], [S1("node1")], [100, 100, 0]),
        ["affinity: region with more matching pods scores higher"] = (
            StayWithS2InRegion(TestPod.Make("p").Label("security=S1")), [China, India, China, China, India],
            [S2("node1"), S2("node1"), S2("node2"), S2("node3"), S2("node4"), S2("node5")], [100, 0, 100, 100, 0]),
        ["affinity: different label operators, some match failures"] = (
            TestPod.Make("p").Label("security=S1")
                .PreferredAffinity(8, Term(new() { MatchExpressions = [.. NotIn("security", "S1").MatchExpressions, .. In("security", "S2").MatchExpressions] }, "region"))
                .PreferredAffinity(2, Term(SecurityExistsWithoutWrongKey, "region")),
            [China, India, Az1], [S1("node1"), S2("node2"), S1("node3")], [20, 100, 0]),
        ["affinity symmetry: existing pods' preferred affinity"] = (
            TestPod.Make("p").Label("security=S2"), [China, India, Az1], [StayWithS1InRegion(S1("node1")), StayWithS2InRegion(S2("node2"))], [0, 100, 0]),
        ["affinity symmetry with namespace selector"] = (
            TestPod.Make("p", "subteam1.team1").Label("security=S1"), [China, India, Az1],
            [S1("node1").PreferredAffinity(5, Term(In("security", "S1"), "region", ["subteam2.team2"], In("team", "team1"))), StayWithS2InRegion(S2("node2"))],
            [100, 0, 0]),
        ["anti-affinity symmetry with namespace selector"] = (
            TestPod.Make("p", "subteam1.team1").Label("security=S1"), [China, India, Az1],
            [S1("node1").PreferredAntiAffinity(5, Term(In("security", "S1"), "region", ["subteam2.team2"], In("team", "team1"))), StayWithS2InRegion(S2("node2"))],
            [0, 100, 100]),
        ["affinity symmetry: existing pods' required affinity counts at the hard weight"] = (
            TestPod.Make("p").Label("security=S1"), [China, India, Az1], [HardAffinity(S1("node1")), HardAffinity(S2("node2"))], [100, 100, 0]),
        ["anti-affinity: node without matching pods scores high"] = (
            AwayFromS1InAz(TestPod.Make("p").Label("security=S1")), [Az1, China], [S1("node1"), S2("node2")], [0, 100]),
        ["anti-affinity: node with more matching pods scores low"] = (
            AwayFromS1InAz(TestPod.Make("p").Label("security=S1")), [Az1, India], [S1("node1"), S1("node1"), S2("node2")], [0, 100]),
        ["anti-affinity symmetry: existing pods' preferred anti-affinity"] = (
            TestPod.Make("p").Label("security=S2"), [Az1, Az2], [AwayFromS2InAz(S1("node1")), AwayFromS1InAz(S2("node2"))], [0, 100]),
        ["affinity and anti-affinity and both symmetries"] = (
            StayWithS1InRegionAwayFromS2InAz(TestPod.Make("p").Label("security=S1")), [China, Az1, India, Az2],
            [S1("node1"), S2("node2"), StayWithS1InRegionAwayFromS2InAz(TestPod.Make("e3").On("node3")), AwayFromS1InAz(TestPod.Make("e4").On("node4"))],
            [100, 0, 100, 0]),
        ["nodes of one topology where only some hold pods with affinity"] = (
            TestPod.Make("p").Label("security=S1"), [China, China], [S1("node1"), StayWithS1InRegionAwayFromS2InAz(TestPod.Make("e2").On("node2"))], [0, 0]),
    };

    public static TheoryData<string> ScoreCaseNames => [.. ScoreCases.Keys];

    [Theory]
    [MemberData(nameof(ScoreCaseNames))]
    public void Score_UpstreamPreferredAffinityCase_GivesUpstreamScores(string name)
    {
        var (pod, nodes, existing, want) = ScoreCases[name];
        var cluster = Teams(new SpreadTestCluster());
        for (var i = 0; i < nodes.Length; i++)
        {
            cluster.WithNode("node" + (i + 1), nodes[i]);
        }

        var got = cluster.With(existing).Score(new InterPodAffinity(), pod);

        Assert.Equal(want, got.Values);
    }

    [Theory]
    [InlineData(1, new long[] { 100, 100, 0 })]
    [InlineData(0, new long[] { 0, 0, 0 })]
    public void Score_ExistingPodsRequiredAffinity_CountsOnlyWithPositiveHardWeight(int hardPodAffinityWeight, long[] want)
    {
        var cluster = new SpreadTestCluster().WithNode("node1", China).WithNode("node2", India).WithNode("node3", Az1)
            .With(HardAffinity(S1("node1")), HardAffinity(S2("node2")));

        var got = cluster.Score(new InterPodAffinity(hardPodAffinityWeight), TestPod.Make("p").Label("security=S1"));

        Assert.Equal(want, got.Values);
    }
}

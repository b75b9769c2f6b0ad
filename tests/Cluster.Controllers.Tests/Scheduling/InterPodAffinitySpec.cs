using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using static Cluster.Controllers.Tests.Scheduling.Select;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>Cases ported from upstream's interpodaffinity filtering_test.go and scoring_test.go.</summary>
public sealed partial class InterPodAffinitySpec
{
    private static readonly FilterResult AffinityMismatch = FilterResult.Unresolvable(InterPodAffinity.AffinityRulesNotMatch);
    private static readonly FilterResult AntiAffinityMismatch = FilterResult.Unschedulable(InterPodAffinity.AntiAffinityRulesNotMatch);
    private static readonly FilterResult ExistingAntiAffinityMismatch = FilterResult.Unschedulable(InterPodAffinity.ExistingAntiAffinityRulesNotMatch);

    private static readonly string[] Securityscan = ["securityscan", "value2"];

    /// <summary>TestRequiredAffinitySingleNode: one node (region r1, zone z11) and the verdict on it.</summary>
    private static readonly Dictionary<string, (TestPod Pod, TestPod[] Existing, FilterResult Want)> SingleNodeCases = new()
    {
        ["no required terms, no pods"] = (TestPod.Make("p"), [], FilterResult.Fits),
        ["affinity In matches the existing pod"] = (
            TestPod.Make("p").Label("security=S1").RequiredAffinity(Term(In("service", Securityscan), "region")),
            [TestPod.Make("e").Label("service=securityscan").On("machine1")], FilterResult.Fits),
        ["affinity NotIn matches the existing pod"] = (
            TestPod.Make("p").Label("security=S1").RequiredAffinity(Term(NotIn("service", "securityscan3", "value3"), "region")),
            [TestPod.Make("e").Label("service=securityscan").On("machine1")], FilterResult.Fits),
        ["affinity term in another namespace selects nothing"] = (
            TestPod.Make("p").Label("security=S1").RequiredAffinity(Term(In("service", Securityscan), "region", ["DiffNameSpace"])),
            [TestPod.Make("e", "ns").Label("service=securityscan").On("machine1")], AffinityMismatch),
        ["affinity selector matches no pod"] = (
            TestPod.Make("p").Label("service=securityscan").RequiredAffinity(Term(In("service", "antivirusscan", "value2"), "region")),
            [TestPod.Make("e").Label("service=securityscan").On("machine1")], AffinityMismatch),
        ["affinity terms are ANDed, one fails"] = (
            TestPod.Make("p").Label("security=S1").RequiredAffinity(Term(Exists("service"), "region"), Term(In("service", "securityscan2"), "region")),
            [TestPod.Make("e").Label("service=securityscan").On("machine1")], AffinityMismatch),
        ["affinity met, anti-affinity matches the existing pod"] = (
            TestPod.Make("p").Label("security=S1").RequiredAffinity(Term(In("service", Securityscan), "region")).RequiredAntiAffinity(Term(In("service", Securityscan), "zone")),
            [TestPod.Make("e").Label("service=securityscan").On("machine1")], AntiAffinityMismatch),
        ["existing pod's anti-affinity selects the pod"] = (
            TestPod.Make("p").Label("service=securityscan"),
            [TestPod.Make("e").Label("service=securityscan").On("machine1").RequiredAntiAffinity(Term(In("service", Securityscan), "zone"))], ExistingAntiAffinityMismatch),
        ["existing pod's anti-affinity does not select the pod"] = (
            TestPod.Make("p").Label("service=securityscan"),
            [TestPod.Make("e").Label("service=securityscan").On("machine1").RequiredAntiAffinity(Term(NotIn("service", Securityscan), "zone"))], FilterResult.Fits),
        ["no pod matches and the pod does not match its own term"] = (
            TestPod.Make("p").Label("service=securityscan").RequiredAffinity(Term(NotIn("service", Securityscan), "region")),
            [], AffinityMismatch),
        ["first pod of a group that attracts itself"] = (
            TestPod.Make("p").Label("service=securityscan").RequiredAffinity(Term(In("service", Securityscan), "region")),
            [], FilterResult.Fits),
        ["term's namespace selector matches the existing pod's namespace"] = (
            TestPod.Make("p", "subteam1.team1").RequiredAffinity(Term(In("service", Securityscan), "region", namespaceSelector: In("team", "team2"))),
            [TestPod.Make("e", "subteam1.team2").Label("service=securityscan").On("machine1")], FilterResult.Fits),
        ["existing pod's anti-affinity namespace selector matches the pod's namespace"] = (
            TestPod.Make("p", "subteam1.team1").Label("service=securityscan"),
            [TestPod.Make("e", "subteam1.team2").On("machine1").RequiredAntiAffinity(Term(Exists("service"), "zone", namespaceSelector: In("team", "team1")))],
            ExistingAntiAffinityMismatch),
    };

    public static TheoryData<string> SingleNodeCaseNames => [.. SingleNodeCases.Keys];

    [Theory]
    [MemberData(nameof(SingleNodeCaseNames))]
    public void Filter_UpstreamSingleNodeCase_GivesUpstreamVerdict(string name)
    {
        var (pod, existing, want) = SingleNodeCases[name];
        var cluster = Teams(new SpreadTestCluster().WithNode("machine1", "region=r1", "zone=z11")).With(existing);

        var got = cluster.Filter(new InterPodAffinity(), pod)["machine1"];

        Assert.Equal(SpreadTestCluster.Verdict(want), SpreadTestCluster.Verdict(got));
    }

    [Fact]
    public void Filter_AffinityToPodInRegion_NodesOfThatRegionFit_OthersAndUnlabelledRefused()
    {
        var cluster = new SpreadTestCluster()
            .WithNode("machine1", "region=r1", "zone=z11").WithNode("machine2", "region=r1", "zone=z12")
            .WithNode("machine3", "region=r2", "zone=z21").WithNode("machine4", "zone=z22")
            .With(TestPod.Make("e").Label("foo=bar").On("machine1"));

        var got = cluster.Filter(new InterPodAffinity(), TestPod.Make("p").RequiredAffinity(Term(In("foo", "bar"), "region")));

        Assert.Equal([true, true, false, false], got.Values.Select(r => r.IsSuccess));
        Assert.Equal(AffinityMismatch.Reasons, got["machine3"].Reasons);
        Assert.Equal(FilterCode.UnschedulableAndUnresolvable, got["machine4"].Code);
    }

    [Fact]
    public void Filter_AntiAffinityToPodInRegion_WholeRegionRefused_OtherRegionAndUnlabelledFit()
    {
        var cluster = new SpreadTestCluster()
            .WithNode("machine1", "region=r1").WithNode("machine2", "region=r1").WithNode("machine3", "region=r2").WithNode("machine4")
            .With(TestPod.Make("e").Label("foo=bar").On("machine1"));

        var got = cluster.Filter(new InterPodAffinity(), TestPod.Make("p").RequiredAntiAffinity(Term(In("foo", "bar"), "region")));

        Assert.Equal([false, false, true, true], got.Values.Select(r => r.IsSuccess));
        Assert.Equal(SpreadTestCluster.Verdict(AntiAffinityMismatch), SpreadTestCluster.Verdict(got["machine2"]));
    }

    [Fact]
    public void Filter_SelfAttractingPodWhenAnotherGroupMemberExists_OnlyItsRegionFits()
    {
        var cluster = new SpreadTestCluster().WithNode("machine1", "region=r1").WithNode("machine2", "region=r2")
            .With(TestPod.Make("e").Label("app=db").On("machine1"));

        var got = cluster.Filter(new InterPodAffinity(), TestPod.Make("p").Label("app=db").RequiredAffinity(Term(In("app", "db"), "region")));

        Assert.Equal([true, false], got.Values.Select(r => r.IsSuccess));
    }

    [Fact]
    public void Filter_PodWithoutTermsAndNoAntiAffinityAnywhere_AllocatesNothingPerNode()
    {
        var cluster = new SpreadTestCluster().WithNode("machine1", "region=r1").With(TestPod.Make("e").Label("app=db").On("machine1"));
        AssertFilterAllocatesNothing(cluster, TestPod.Make("p").Label("app=web"));
    }

    [Fact]
    public void Filter_PodWithTermsOnFittingNode_AllocatesNothingPerNode()
    {
        var cluster = new SpreadTestCluster().WithNode("machine1", "region=r1", "zone=z1")
            .With(TestPod.Make("e").Label("app=db").On("machine1").RequiredAntiAffinity(Term(In("app", "cache"), "zone")));
        AssertFilterAllocatesNothing(cluster, TestPod.Make("p").Label("app=web").RequiredAffinity(Term(In("app", "db"), "region")).RequiredAntiAffinity(Term(In("app", "web"), "zone")));
    }

    private static void AssertFilterAllocatesNothing(SpreadTestCluster cluster, TestPod pod)
    {
        var plugin = new InterPodAffinity();
        var state = new CycleState();
        var info = pod.Info();
        plugin.PreFilter(state, info, cluster);
        var node = cluster.Nodes[0];
        Assert.True(plugin.Filter(state, info, node).IsSuccess);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            plugin.Filter(state, info, node);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static SpreadTestCluster Teams(SpreadTestCluster cluster) => cluster
        .WithNamespace("subteam1.team1", "team=team1").WithNamespace("subteam2.team1", "team=team1")
        .WithNamespace("subteam1.team2", "team=team2").WithNamespace("subteam2.team2", "team=team2");
}

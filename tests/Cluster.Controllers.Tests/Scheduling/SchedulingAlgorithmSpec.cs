using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class SchedulingAlgorithmSpec
{
    private static SchedulingAlgorithm Algorithm(int seed = 1) => new(DefaultProfile.Create(), new Random(seed));

    [Fact]
    public void Schedule_FitsNowhere_CountsEachReasonAsUpstreamWordsIt()
    {
        var cache = Cache(
            (Node("small", memory: "1Gi"), []),
            (Node("cordoned-a", unschedulable: true), []),
            (Node("cordoned-b", unschedulable: true), []));

        var result = Algorithm().Schedule(PodInfo.From(Pod("p", memory: "2Gi")), cache);

        Assert.Null(result.Node);
        Assert.Equal("0/3 nodes are available: 1 Insufficient memory, 2 node(s) were unschedulable.", result.Error!.Message);
        Assert.True(result.Error.PreemptionMayHelp);
    }

    [Fact]
    public void Schedule_FitsNowhere_NamesThePluginsThatRefused()
    {
        var cache = Cache(
            (Node("small", memory: "1Gi"), []),
            (Node("cordoned", unschedulable: true), []));

        var result = Algorithm().Schedule(PodInfo.From(Pod("p", memory: "2Gi")), cache);

        Assert.Equal(["NodeResourcesFit", "NodeUnschedulable"], result.Error!.Plugins.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Schedule_NoNodes_SaysZeroOfZero()
    {
        var result = Algorithm().Schedule(PodInfo.From(Pod("p")), new SchedulerCache());

        Assert.Equal("0/0 nodes are available:", result.Error!.Message);
    }

    [Fact]
    public void Schedule_OnlyUnresolvableReasons_PreemptionCannotHelp()
    {
        var cache = Cache((Node("cordoned", unschedulable: true), []));

        var result = Algorithm().Schedule(PodInfo.From(Pod("p")), cache);

        Assert.False(result.Error!.PreemptionMayHelp);
    }

    [Fact]
    public void Schedule_SeveralFit_PicksTheLeastAllocated()
    {
        var cache = Cache(
            (Node("busy"), [Pod("a", cpu: "3", memory: "6Gi")]),
            (Node("idle"), []),
            (Node("half"), [Pod("b", cpu: "2", memory: "4Gi")]));

        var result = Algorithm().Schedule(PodInfo.From(Pod("p", cpu: "500m", memory: "1Gi")), cache);

        Assert.Equal("idle", result.Node);
        Assert.Equal(3, result.Feasible);
    }

    [Fact]
    public void Schedule_EqualNodes_SameSeedSameChoice_AndEveryNodeChosenSometimes()
    {
        var cache = Cache((Node("a"), []), (Node("b"), []), (Node("c"), []));
        var pod = PodInfo.From(Pod("p"));

        var first = Enumerable.Range(0, 30).Select(_ => Algorithm(7)).Select(a => a.Schedule(pod, cache).Node).Distinct().ToList();
        var algorithm = Algorithm(7);
        var spread = Enumerable.Range(0, 60).Select(_ => algorithm.Schedule(pod, cache).Node).Distinct().Order().ToList();

        Assert.Single(first);
        Assert.Equal(["a", "b", "c"], spread);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(100, 100)]
    [InlineData(1000, 420)]
    [InlineData(5000, 500)]
    [InlineData(10000, 500)]
    public void NumFeasibleNodesToFind_LargeCluster_AdaptivePercentage(int nodes, int expected) =>
        Assert.Equal(expected, SchedulingAlgorithm.NumFeasibleNodesToFind(nodes));

    [Fact]
    public void Schedule_LargeCluster_StopsAtEnoughFeasibleNodes_AndTheNextCycleStartsAfterThem()
    {
        var cache = Cache([.. Enumerable.Range(0, 300).Select(i => (Node($"n{i:000}"), Array.Empty<k8s.Models.V1Pod>()))]);
        var algorithm = Algorithm();

        var first = algorithm.Schedule(PodInfo.From(Pod("p")), cache);
        var second = algorithm.Schedule(PodInfo.From(Pod("q")), cache);

        // 300 nodes: 50 - 2 = 48% → 144 nodes looked at per cycle, the second cycle on the next 144.
        Assert.Equal(144, first.Evaluated);
        Assert.Equal(144, second.Feasible);
        Assert.True(string.CompareOrdinal(first.Node, "n144") < 0, first.Node);
        Assert.True(string.CompareOrdinal(second.Node, "n144") >= 0 && string.CompareOrdinal(second.Node, "n288") < 0, second.Node);
    }
}

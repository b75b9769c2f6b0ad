using Cluster.Controllers.Autoscaling;
using k8s.Models;
using static Cluster.Controllers.Tests.Autoscaling.AutoscalingFixtures;

namespace Cluster.Controllers.Tests.Autoscaling;

public sealed class ReplicaCalculatorSpec
{
    private static readonly CalculatorOptions Options = CalculatorOptions.Default;

    public static TheoryData<string, int, V1Pod[], Dictionary<string, PodMetric>, int, int, int> Utilization => new()
    {
        // name, current, pods, metrics, target %, expected replicas, expected utilization %
        { "above target: ceil(3 × 50/30)", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 300), ("b", 500), ("c", 700)), 30, 5, 50 },
        { "below target: ceil(4 × 20/50)", 4, [Pod("a"), Pod("b"), Pod("c"), Pod("d")], Cpu(("a", 200), ("b", 200), ("c", 200), ("d", 200)), 50, 2, 20 },
        { "within tolerance (+8%)", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 540), ("b", 540), ("c", 540)), 50, 3, 54 },
        { "within tolerance (-10%)", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 450), ("b", 450), ("c", 450)), 50, 3, 45 },
        { "unready pod on a scale-up counts as idle", 3, [Pod("a", ready: false, startedAgo: TimeSpan.FromMinutes(1), readyAgo: TimeSpan.FromSeconds(50)), Pod("b"), Pod("c")], Cpu(("a", 300), ("b", 500), ("c", 700)), 30, 4, 60 },
        { "pending pod on a scale-up counts as idle", 3, [Pod("a", phase: "Pending", ready: null), Pod("b"), Pod("c")], Cpu(("b", 900), ("c", 900)), 50, 4, 90 },
        { "unready pod on a scale-down is left out", 3, [Pod("a", ready: false, startedAgo: TimeSpan.FromMinutes(1), readyAgo: TimeSpan.FromSeconds(50)), Pod("b"), Pod("c")], Cpu(("a", 900), ("b", 100), ("c", 100)), 50, 1, 10 },
        { "failed and deleting pods are left out", 3, [Pod("a", phase: "Failed"), Pod("b", deleting: true), Pod("c"), Pod("d")], Cpu(("a", 0), ("b", 0), ("c", 500), ("d", 500)), 25, 4, 50 },
        { "missing pod on a scale-up counts as idle", 2, [Pod("a"), Pod("b")], Cpu(("a", 1900)), 100, 2, 190 },
        { "missing pods on a scale-up that still scales", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 1000), ("b", 1000)), 25, 8, 100 },
        { "missing pod on a scale-down counts as using its request", 4, [Pod("a"), Pod("b"), Pod("c"), Pod("d")], Cpu(("a", 100), ("b", 100), ("c", 100)), 50, 3, 10 },
        { "missing pods that would turn a scale-down into a scale-up keep the count", 4, [Pod("a"), Pod("b"), Pod("c"), Pod("d")], Cpu(("a", 100), ("b", 100)), 50, 4, 10 },
        { "CPU measured too soon after becoming ready is doubted", 3, [Pod("a", startedAgo: TimeSpan.FromMinutes(1), readyAgo: TimeSpan.FromSeconds(10)), Pod("b"), Pod("c")], Cpu(("a", 2000), ("b", 800), ("c", 800)), 50, 3, 80 },
        { "CPU measured a window after becoming ready counts", 3, [Pod("a", startedAgo: TimeSpan.FromMinutes(1), readyAgo: TimeSpan.FromSeconds(40)), Pod("b"), Pod("c")], Cpu(("a", 2000), ("b", 800), ("c", 800)), 50, 8, 120 },
        { "unready long after start but ready once counts", 3, [Pod("a", ready: false, readyAgo: TimeSpan.FromMinutes(1)), Pod("b"), Pod("c")], Cpu(("a", 1000), ("b", 1000), ("c", 1000)), 50, 6, 100 },
        { "never ready since start is doubted", 3, [Pod("a", ready: false, readyAgo: TimeSpan.FromMinutes(9.9)), Pod("b"), Pod("c")], Cpu(("a", 1000), ("b", 1000), ("c", 1000)), 50, 4, 100 },
        { "requests summed over containers", 2, [Pod("a", containers: 2, cpu: "250m"), Pod("b", containers: 2, cpu: "250m")], Cpu(("a", 400), ("b", 400)), 40, 4, 80 },
    };

    [Theory]
    [MemberData(nameof(Utilization))]
    public void ForUtilization_Table_ProposesUpstreamsCount(string name, int current, V1Pod[] pods, Dictionary<string, PodMetric> metrics, int target, int replicas, int utilization)
    {
        var proposal = ReplicaCalculator.ForUtilization(current, target, "cpu", pods, metrics, Now, Options);

        Assert.True(replicas == proposal.Replicas, $"{name}: {proposal.Replicas} replicas, expected {replicas}");
        Assert.Equal(utilization, proposal.Utilization);
    }

    [Fact]
    public void ForUtilization_Memory_UnreadyPodsStillCount()
    {
        var pods = new[] { Pod("a", ready: false, startedAgo: TimeSpan.FromSeconds(20), readyAgo: TimeSpan.FromSeconds(5)), Pod("b") };

        var proposal = ReplicaCalculator.ForUtilization(2, 50, "memory", pods, Usage(("a", 0, 100L << 20), ("b", 0, 100L << 20)), Now, Options);

        Assert.Equal(4, proposal.Replicas);
        Assert.Equal(100, proposal.Utilization);
        Assert.Equal((100L << 20) * 1000, proposal.AverageMilli);
    }

    [Fact]
    public void ForUtilization_AverageValueOfCountedPods_InMilli()
    {
        var proposal = ReplicaCalculator.ForUtilization(3, 30, "cpu", [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 300), ("b", 500), ("c", 700)), Now, Options);

        Assert.Equal(500, proposal.AverageMilli);
    }

    public static TheoryData<string, int, V1Pod[], Dictionary<string, PodMetric>, long, int, long> AverageValue => new()
    {
        // name, current, pods, metrics, target milli, expected replicas, expected average milli
        { "twice the target: double", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 400), ("b", 400), ("c", 400)), 200, 6, 400 },
        { "within tolerance", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 210), ("b", 210), ("c", 210)), 200, 3, 210 },
        { "missing pod on a scale-up counts as zero", 3, [Pod("a"), Pod("b"), Pod("c")], Cpu(("a", 400), ("b", 400)), 200, 4, 400 },
        { "missing pod on a scale-down counts as the target", 4, [Pod("a"), Pod("b"), Pod("c"), Pod("d")], Cpu(("a", 50), ("b", 50), ("c", 50)), 200, 2, 50 },
        { "half the target: halve", 4, [Pod("a"), Pod("b"), Pod("c"), Pod("d")], Cpu(("a", 100), ("b", 100), ("c", 100), ("d", 100)), 200, 2, 100 },
    };

    [Theory]
    [MemberData(nameof(AverageValue))]
    public void ForAverageValue_Table_ProposesUpstreamsCount(string name, int current, V1Pod[] pods, Dictionary<string, PodMetric> metrics, long target, int replicas, long average)
    {
        var proposal = ReplicaCalculator.ForAverageValue(current, target, "cpu", pods, metrics, Now, Options);

        Assert.True(replicas == proposal.Replicas, $"{name}: {proposal.Replicas} replicas, expected {replicas}");
        Assert.Null(proposal.Utilization);
        Assert.Equal(average, proposal.AverageMilli);
    }

    [Fact]
    public void ForUtilization_NoPods_FailsAsUpstream()
    {
        var e = Assert.Throws<MetricUnavailableException>(() => ReplicaCalculator.ForUtilization(1, 50, "cpu", [], Cpu(), Now, Options));

        Assert.Equal("no pods returned by selector while calculating replica count", e.Message);
    }

    [Fact]
    public void ForUtilization_ContainerWithoutRequest_FailsNamingIt()
    {
        var e = Assert.Throws<MetricUnavailableException>(() => ReplicaCalculator.ForUtilization(1, 50, "cpu", [Pod("a", cpu: null)], Cpu(("a", 100)), Now, Options));

        Assert.Equal("missing request for cpu in container app of Pod a", e.Message);
    }

    [Fact]
    public void ForUtilization_OnlyUnreadyOrUnmeasuredPods_FailsAsUpstream()
    {
        var e = Assert.Throws<MetricUnavailableException>(() =>
            ReplicaCalculator.ForUtilization(2, 50, "cpu", [Pod("a", phase: "Pending", ready: null), Pod("b", ready: false, startedAgo: TimeSpan.FromSeconds(30))], Cpu(("b", 100)), Now, Options));

        Assert.Equal("did not receive metrics for targeted pods (pods might be unready)", e.Message);
    }
}

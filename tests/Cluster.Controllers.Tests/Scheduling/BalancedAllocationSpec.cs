using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class BalancedAllocationSpec
{
    [Theory]
    [InlineData("2", "4Gi", 100)]    // cpu 0.5, memory 0.5: perfectly even
    [InlineData("4", "0.5Gi", 53)]   // cpu 1.0 against memory 0.0625: spread 0.47
    [InlineData("1", "8Gi", 62)]     // cpu 0.25 against memory 1.0: spread 0.375
    public void Score_EvenUseOfCpuAndMemory_ScoresHighest(string cpu, string memory, long expected)
    {
        var node = NodeInfo(Node("n1", cpu: "4", memory: "8Gi"));

        var score = new BalancedAllocation().Score(new CycleState(), PodInfo.From(Pod("p", cpu, memory)), node);

        Assert.Equal(expected, score);
    }
}

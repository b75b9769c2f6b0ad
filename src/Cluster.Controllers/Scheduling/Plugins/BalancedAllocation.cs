using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// Favours the node whose cpu and memory would be used in the most even proportion with the pod on it (upstream's
/// NodeResourcesBalancedAllocation): the score falls with the spread of the two fractions.
/// </summary>
public sealed class BalancedAllocation : IScorePlugin
{
    public string Name => "NodeResourcesBalancedAllocation";

    public int Weight => 1;

    public void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        var cpu = Fraction(node.NonZeroRequested.MilliCpu + pod.NonZeroRequests.MilliCpu, node.Allocatable.MilliCpu);
        var memory = Fraction(node.NonZeroRequested.Memory + pod.NonZeroRequests.Memory, node.Allocatable.Memory);
        // Two resources: the standard deviation is half their difference.
        var deviation = Math.Abs(cpu - memory) / 2;
        return (long)((1 - deviation) * IScorePlugin.MaxScore);
    }

    public void Normalize(CycleState state, PodInfo pod, Span<long> scores)
    {
    }

    private static double Fraction(long requested, long capacity) =>
        capacity == 0 ? 0 : Math.Min(1, requested / (double)capacity);
}

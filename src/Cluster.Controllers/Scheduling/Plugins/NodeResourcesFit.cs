using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// The pod's requests must fit in what the node has allocatable minus what its pods request; scores favour the
/// least-allocated node (upstream's default LeastAllocated strategy, cpu and memory weighted equally).
/// </summary>
public sealed class NodeResourcesFit : IFilterPlugin, IScorePlugin
{
    public const string TooManyPods = "Too many pods";

    public string Name => "NodeResourcesFit";

    public int Weight => 1;

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        List<string>? reasons = null;
        if (node.Pods.Count + 1 > node.AllowedPods)
        {
            (reasons ??= []).Add(TooManyPods);
        }

        var wants = pod.Requests;
        var has = node.Allocatable;
        var used = node.Requested;
        if (wants.MilliCpu > 0 && wants.MilliCpu > has.MilliCpu - used.MilliCpu)
        {
            (reasons ??= []).Add("Insufficient cpu");
        }

        if (wants.Memory > 0 && wants.Memory > has.Memory - used.Memory)
        {
            (reasons ??= []).Add("Insufficient memory");
        }

        if (wants.EphemeralStorage > 0 && wants.EphemeralStorage > has.EphemeralStorage - used.EphemeralStorage)
        {
            (reasons ??= []).Add("Insufficient ephemeral-storage");
        }

        if (wants.Scalars is not null)
        {
            foreach (var (name, amount) in wants.Scalars)
            {
                if (amount > 0 && amount > has.Scalar(name) - used.Scalar(name))
                {
                    (reasons ??= []).Add("Insufficient " + name);
                }
            }
        }

        return reasons is null ? FilterResult.Fits : new FilterResult(FilterCode.Unschedulable, reasons);
    }

    public void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
    }

    /// <summary>Upstream's leastResourceScorer: per resource (allocatable − requested) × 100 / allocatable, averaged.</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node) =>
        (Least(node.NonZeroRequested.MilliCpu + pod.NonZeroRequests.MilliCpu, node.Allocatable.MilliCpu)
         + Least(node.NonZeroRequested.Memory + pod.NonZeroRequests.Memory, node.Allocatable.Memory)) / 2;

    public void Normalize(CycleState state, PodInfo pod, Span<long> scores)
    {
    }

    private static long Least(long requested, long capacity) =>
        capacity == 0 || requested > capacity ? 0 : (capacity - requested) * IScorePlugin.MaxScore / capacity;
}

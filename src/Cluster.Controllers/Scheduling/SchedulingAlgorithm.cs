using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling;

/// <summary>What one cycle decided: a node, or why none.</summary>
public sealed record ScheduleResult(string? Node, FitError? Error, int Evaluated, int Feasible);

/// <summary>
/// One scheduling cycle (upstream's schedulePod): pre-filters, then filters over the nodes from a rotating start
/// until enough feasible ones are found (upstream's adaptive percentage of a large cluster), then scores, weighted
/// and summed, and the best node, ties broken at random (seeded, so tests replay).
/// </summary>
public sealed class SchedulingAlgorithm(SchedulerProfile profile, Random random)
{
    /// <summary>Fewer nodes than this are always all evaluated (upstream's minFeasibleNodesToFind).</summary>
    public const int MinFeasibleNodesToFind = 100;

    // Arrays, not the profile's interface lists: a foreach over an IReadOnlyList allocates an enumerator, and the filters
    // are walked for every node of every cycle.
    private readonly IPreFilterPlugin[] _preFilters = [.. profile.PreFilters];
    private readonly IFilterPlugin[] _filters = [.. profile.Filters];
    private readonly IScorePlugin[] _scorers = [.. profile.Scores];
    private readonly List<NodeInfo> _feasible = [];
    private long[] _totals = [];
    private long[] _scores = [];
    private int _nextStartNode;

    public ScheduleResult Schedule(PodInfo pod, IClusterSnapshot snapshot)
    {
        var nodes = snapshot.Nodes;
        var state = new CycleState();
        if (PreFilter(state, pod, snapshot) is { IsSuccess: false } refused)
        {
            return new ScheduleResult(null, new FitError(nodes.Count, new Dictionary<string, FilterResult>(), string.Join(", ", refused.Reasons), refused.Plugin), 0, 0);
        }

        var wanted = NumFeasibleNodesToFind(nodes.Count);
        // One cycle at a time: the buffers are reused, so a cycle allocates little more than its plugins' state.
        var feasible = _feasible;
        feasible.Clear();
        Dictionary<string, FilterResult>? failures = null;
        var evaluated = 0;
        for (; evaluated < nodes.Count && feasible.Count < wanted; evaluated++)
        {
            var node = nodes[(_nextStartNode + evaluated) % nodes.Count];
            var verdict = FilterWithNominated(state, pod, node, snapshot);
            if (verdict.IsSuccess)
            {
                feasible.Add(node);
            }
            else
            {
                (failures ??= new Dictionary<string, FilterResult>(StringComparer.Ordinal))[node.Name] = verdict;
            }
        }

        // The next cycle starts where this one stopped, so every node gets its turn in a large cluster.
        _nextStartNode = nodes.Count == 0 ? 0 : (_nextStartNode + evaluated) % nodes.Count;
        if (feasible.Count == 0)
        {
            return new ScheduleResult(null, new FitError(nodes.Count, failures ?? []), evaluated, 0);
        }

        if (feasible.Count == 1)
        {
            var only = feasible[0].Name;
            feasible.Clear();
            return new ScheduleResult(only, null, evaluated, 1);
        }

        var chosen = SelectHost(Score(state, pod, feasible, snapshot), feasible);
        var count = feasible.Count;
        feasible.Clear();
        return new ScheduleResult(chosen, null, evaluated, count);
    }

    /// <summary>The filters in order, stopping at the first that refuses (upstream's RunFilterPlugins).</summary>
    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        foreach (var plugin in _filters)
        {
            var result = plugin.Filter(state, pod, node);
            if (!result.IsSuccess)
            {
                return result with { Plugin = plugin.Name };
            }
        }

        return FilterResult.Fits;
    }

    /// <summary>
    /// The filters with the pods nominated to the node that are at least as important as <paramref name="pod"/>
    /// counted there, then without them (upstream's RunFilterPluginsWithNominatedPods: both must pass, since a
    /// nominated pod may never come and an affinity term may need it absent).
    /// </summary>
    public FilterResult FilterWithNominated(CycleState state, PodInfo pod, NodeInfo node, IClusterSnapshot snapshot)
    {
        NodeInfo? withNominated = null;
        // Indexed, not foreach over the interface: this runs for every node of every cycle, and a boxed enumerator each
        // time was most of a cycle's allocations.
        var nominated = snapshot.NominatedPods(node.Name);
        for (var i = 0; i < nominated.Count; i++)
        {
            var other = nominated[i];
            if (other.Uid != pod.Uid && other.Priority >= pod.Priority)
            {
                (withNominated ??= node.Clone()).AddPod(other);
            }
        }

        if (withNominated is not null && Filter(state, pod, withNominated) is { IsSuccess: false } refused)
        {
            return refused;
        }

        return Filter(state, pod, node);
    }

    /// <summary>The pre-filters in order, stopping at the first that refuses; they leave their state in <paramref name="state"/>.</summary>
    public FilterResult PreFilter(CycleState state, PodInfo pod, IClusterSnapshot snapshot)
    {
        foreach (var plugin in _preFilters)
        {
            var result = plugin.PreFilter(state, pod, snapshot);
            if (!result.IsSuccess)
            {
                return result with { Plugin = plugin.Name };
            }
        }

        return FilterResult.Fits;
    }

    /// <summary>Upstream's numFeasibleNodesToFind with the default (adaptive) percentageOfNodesToScore: 50% less 1% per 125 nodes, at least 5%.</summary>
    public static int NumFeasibleNodesToFind(int allNodes)
    {
        if (allNodes < MinFeasibleNodesToFind)
        {
            return allNodes;
        }

        var percentage = Math.Max(5, 50 - (allNodes / 125));
        return Math.Max(MinFeasibleNodesToFind, allNodes * percentage / 100);
    }

    private Span<long> Score(CycleState state, PodInfo pod, List<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
        if (_totals.Length < feasible.Count)
        {
            _totals = new long[feasible.Count];
            _scores = new long[feasible.Count];
        }

        var totals = _totals.AsSpan(0, feasible.Count);
        var scores = _scores.AsSpan(0, feasible.Count);
        totals.Clear();
        foreach (var plugin in _scorers)
        {
            plugin.PreScore(state, pod, feasible, snapshot);
            for (var i = 0; i < feasible.Count; i++)
            {
                scores[i] = plugin.Score(state, pod, feasible[i]);
            }

            plugin.Normalize(state, pod, scores);
            for (var i = 0; i < feasible.Count; i++)
            {
                totals[i] += scores[i] * plugin.Weight;
            }
        }

        return totals;
    }

    /// <summary>The highest total; among equals each is equally likely (upstream's reservoir sampling).</summary>
    private string SelectHost(Span<long> totals, List<NodeInfo> feasible)
    {
        var best = 0;
        var ties = 1;
        for (var i = 1; i < totals.Length; i++)
        {
            if (totals[i] > totals[best])
            {
                best = i;
                ties = 1;
            }
            else if (totals[i] == totals[best] && random.Next(++ties) == 0)
            {
                best = i;
            }
        }

        return feasible[best].Name;
    }
}

/// <summary>The plugins a scheduler runs, in order (upstream's profile of the default-scheduler).</summary>
public sealed record SchedulerProfile(IReadOnlyList<IPreFilterPlugin> PreFilters, IReadOnlyList<IFilterPlugin> Filters, IReadOnlyList<IScorePlugin> Scores)
{
    public const string DefaultSchedulerName = "default-scheduler";
}

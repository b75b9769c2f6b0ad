using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// A pod's <c>nodeSelector</c> and required node affinity decide which nodes may take it; its preferred terms add
/// their weights on the nodes they match, scaled so the best node scores 100.
/// </summary>
public sealed class NodeAffinity : IFilterPlugin, IScorePlugin
{
    public const string Reason = "node(s) didn't match Pod's node affinity/selector";
    private const string StateKey = "NodeAffinity.preferred";

    public string Name => "NodeAffinity";

    public int Weight => 2;

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node) =>
        NodeAffinityMatch.Matches(pod.Pod, node) ? FilterResult.Fits : FilterResult.Unresolvable(Reason);

    public void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
        var preferred = pod.Pod.Spec?.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution;
        if (preferred is { Count: > 0 })
        {
            // Empty preference terms match nothing, as upstream's.
            state.Write(StateKey, preferred
                .Where(p => p.Weight != 0 && (p.Preference?.MatchExpressions?.Count ?? 0) + (p.Preference?.MatchFields?.Count ?? 0) > 0)
                .Select(p => (Term: NodeAffinityMatch.NodeSelectorTerm.Parse(p.Preference), p.Weight))
                .ToArray());
        }
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (state.Read<(NodeAffinityMatch.NodeSelectorTerm Term, int Weight)[]>(StateKey) is not { } terms)
        {
            return 0;
        }

        long score = 0;
        foreach (var (term, weight) in terms)
        {
            if (term.Matches(node))
            {
                score += weight;
            }
        }

        return score;
    }

    public void Normalize(CycleState state, PodInfo pod, Span<long> scores) => ScoreNormalizer.Default(scores, reverse: false);
}

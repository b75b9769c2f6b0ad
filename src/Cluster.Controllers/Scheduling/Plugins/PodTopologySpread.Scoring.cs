using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

public sealed partial class PodTopologySpread
{
    private const string PreScoreStateKey = "PreScore" + PluginName;

    /// <summary>What <see cref="Score"/> returns for a node left out of scoring (upstream's invalidScore); Normalize makes it 0.</summary>
    private const long NotScored = -1;

    /// <summary>
    /// Upstream's PreScore: the ScheduleAnyway constraints (or the system defaults with the controllers' selector), the
    /// domains present among the feasible nodes, each constraint's weight ln(domains + 2), and the matching pods per domain
    /// over all nodes. Per-node (hostname) counts are left to <see cref="Score"/>. Writes no state when there is nothing to spread.
    /// </summary>
    public void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
        if (snapshot.Nodes.Count == 0 || Constraints(pod) is not { Length: > 0 } constraints)
        {
            return;
        }

        // Only the pod's own constraints require every topology key, so nodes without a zone label still spread by hostname.
        var requireAllKeys = pod.Pod.Spec?.TopologySpreadConstraints is { Count: > 0 };
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        var domains = new Dictionary<string, long>?[constraints.Length];
        for (var i = 0; i < constraints.Length; i++)
        {
            domains[i] = constraints[i].TopologyKey == HostnameKey ? null : new Dictionary<string, long>(StringComparer.Ordinal);
        }

        foreach (var node in feasible)
        {
            if (requireAllKeys && !HasAllTopologyKeys(node, constraints))
            {
                ignored.Add(node.Name);
                continue;
            }

            for (var i = 0; i < constraints.Length; i++)
            {
                domains[i]?.TryAdd(node.Labels.GetValueOrDefault(constraints[i].TopologyKey, ""), 0);
            }
        }

        var weights = new double[constraints.Length];
        for (var i = 0; i < constraints.Length; i++)
        {
            weights[i] = Math.Log((domains[i]?.Count ?? (feasible.Count - ignored.Count)) + 2);
        }

        CountDomainPods(pod, snapshot, constraints, requireAllKeys, domains);
        state.Write(PreScoreStateKey, new ScoreState(constraints, ignored, domains, weights));
    }

    /// <summary>Each constraint adds its domain's matching pods times its weight, plus maxSkew − 1 to soften small skews; fewer is better.</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (state.Read<ScoreState>(PreScoreStateKey) is not { } spread)
        {
            return 0;
        }

        if (spread.Ignored.Contains(node.Name))
        {
            return NotScored;
        }

        double score = 0;
        for (var i = 0; i < spread.Constraints.Length; i++)
        {
            var constraint = spread.Constraints[i];
            if (node.Labels.TryGetValue(constraint.TopologyKey, out var value))
            {
                var count = spread.Domains[i] is { } domain ? domain.GetValueOrDefault(value) : CountMatchingPods(node, constraint);
                score += (count * spread.Weights[i]) + (constraint.MaxSkew - 1);
            }
        }

        return (long)Math.Round(score, MidpointRounding.AwayFromZero);
    }

    /// <summary>Upstream's NormalizeScore: MaxScore × (max + min − score) / max over the scored nodes, so the emptiest domain scores highest.</summary>
    public void Normalize(CycleState state, PodInfo pod, Span<long> scores)
    {
        if (state.Read<ScoreState>(PreScoreStateKey) is null)
        {
            return;
        }

        var min = long.MaxValue;
        long max = 0;
        foreach (var score in scores)
        {
            if (score != NotScored)
            {
                min = Math.Min(min, score);
                max = Math.Max(max, score);
            }
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = scores[i] == NotScored ? 0 : max == 0 ? IScorePlugin.MaxScore : IScorePlugin.MaxScore * (max + min - scores[i]) / max;
        }
    }

    private SpreadConstraint[]? Constraints(PodInfo pod)
    {
        if (pod.Pod.Spec?.TopologySpreadConstraints is { Count: > 0 })
        {
            // A malformed selector was already refused by the pre-filter; nothing to score by then.
            return OwnConstraints(pod, ScheduleAnyway, out _);
        }

        return _defaultSelector(pod) is { IsEverything: false } selector ? SystemDefaults(selector, pod.Namespace) : null;
    }

    private static void CountDomainPods(PodInfo pod, IClusterSnapshot snapshot, SpreadConstraint[] constraints, bool requireAllKeys, Dictionary<string, long>?[] domains)
    {
        var nodes = snapshot.Nodes;
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            if (node.Node is null || (requireAllKeys && !HasAllTopologyKeys(node, constraints)))
            {
                continue;
            }

            for (var i = 0; i < constraints.Length; i++)
            {
                // Only domains some feasible node is in are counted; hostname domains are counted per node when scored.
                var value = node.Labels.GetValueOrDefault(constraints[i].TopologyKey, "");
                if (domains[i] is { } domain && domain.ContainsKey(value) && constraints[i].Counts(pod.Pod, node))
                {
                    domain[value] += CountMatchingPods(node, constraints[i]);
                }
            }
        }
    }

    private sealed record ScoreState(SpreadConstraint[] Constraints, HashSet<string> Ignored, Dictionary<string, long>?[] Domains, double[] Weights);
}

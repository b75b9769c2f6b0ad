using System.Runtime.InteropServices;
using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

public sealed partial class InterPodAffinity
{
    private const string PreScoreStateKey = "PreScore" + PluginName;

    /// <summary>
    /// Sums, per topology key and value, the weights of the preferred terms between the pod and the pods already placed
    /// (upstream's scoring.go). Unless the pod states preferred terms, only pods that state terms of their own can contribute,
    /// so only they are visited; writes no state when nothing contributed.
    /// </summary>
    public void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
        if (feasible.Count == 0)
        {
            return;
        }

        var podPrefers = pod.PreferredAffinityTerms.Count + pod.PreferredAntiAffinityTerms.Count > 0;
        var scores = new TopologyScores();
        IReadOnlyDictionary<string, string>? namespaceLabels = null;
        // Unless the pod states preferred terms, only nodes holding pods with terms of their own can contribute.
        var nodes = podPrefers ? snapshot.Nodes : snapshot.NodesWithAffinityPods;
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            var candidates = podPrefers ? node.Pods : node.PodsWithAffinity;
            if (node.Node is null || node.Labels.Count == 0 || candidates.Count == 0)
            {
                continue;
            }

            namespaceLabels ??= NamespaceLabelsOf(pod, snapshot);
            foreach (var existing in candidates)
            {
                AddExistingPod(scores, pod, namespaceLabels, existing, node, snapshot);
            }
        }

        if (scores.Domains is not null)
        {
            state.Write(PreScoreStateKey, scores);
        }
    }

    /// <summary>The sum of the weights counted for the node's domains; larger means more attraction.</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (state.Read<TopologyScores>(PreScoreStateKey)?.Domains is not { } domains)
        {
            return 0;
        }

        long score = 0;
        foreach (var (topologyKey, values) in domains)
        {
            if (node.Labels.TryGetValue(topologyKey, out var value))
            {
                score += values.GetValueOrDefault(value);
            }
        }

        return score;
    }

    /// <summary>Min-max scaling to 0..100 (all equal: all 0); the most attractive node gets 100.</summary>
    public void Normalize(CycleState state, PodInfo pod, Span<long> scores)
    {
        if (state.Read<TopologyScores>(PreScoreStateKey) is null)
        {
            return;
        }

        var min = long.MaxValue;
        var max = long.MinValue;
        foreach (var score in scores)
        {
            min = Math.Min(min, score);
            max = Math.Max(max, score);
        }

        var range = max - min;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = range > 0 ? (long)(IScorePlugin.MaxScore * ((double)(scores[i] - min) / range)) : 0;
        }
    }

    /// <summary>
    /// The five contributions upstream's processExistingPod counts toward the existing pod's domains: the incoming pod's
    /// preferred affinity (+) and anti-affinity (−) selecting it, and its required affinity (+hard weight), preferred affinity
    /// (+) and preferred anti-affinity (−) selecting the incoming pod.
    /// </summary>
    private void AddExistingPod(TopologyScores scores, PodInfo pod, IReadOnlyDictionary<string, string> namespaceLabels, PodInfo existing, NodeInfo node, IClusterSnapshot snapshot)
    {
        AddTermsSelectingExisting(scores, pod.PreferredAffinityTerms, existing, node, snapshot, 1);
        AddTermsSelectingExisting(scores, pod.PreferredAntiAffinityTerms, existing, node, snapshot, -1);
        if (_hardPodAffinityWeight > 0)
        {
            var required = existing.RequiredAffinityTerms;
            for (var t = 0; t < required.Count; t++)
            {
                if (SelectsIncoming(required[t], pod, namespaceLabels))
                {
                    scores.Add(node, required[t].TopologyKey, _hardPodAffinityWeight);
                }
            }
        }

        AddTermsSelectingIncoming(scores, existing.PreferredAffinityTerms, pod, namespaceLabels, node, 1);
        AddTermsSelectingIncoming(scores, existing.PreferredAntiAffinityTerms, pod, namespaceLabels, node, -1);
    }

    private static void AddTermsSelectingExisting(TopologyScores scores, IReadOnlyList<WeightedAffinityTerm> terms, PodInfo existing, NodeInfo node, IClusterSnapshot snapshot, int sign)
    {
        for (var t = 0; t < terms.Count; t++)
        {
            if (SelectsExisting(terms[t].Term, existing, snapshot))
            {
                scores.Add(node, terms[t].Term.TopologyKey, sign * terms[t].Weight);
            }
        }
    }

    private static void AddTermsSelectingIncoming(TopologyScores scores, IReadOnlyList<WeightedAffinityTerm> terms, PodInfo pod, IReadOnlyDictionary<string, string> namespaceLabels, NodeInfo node, int sign)
    {
        for (var t = 0; t < terms.Count; t++)
        {
            if (SelectsIncoming(terms[t].Term, pod, namespaceLabels))
            {
                scores.Add(node, terms[t].Term.TopologyKey, sign * terms[t].Weight);
            }
        }
    }

    /// <summary>Topology key → value → summed weight; keyed by key first so a node's score takes one lookup per key.</summary>
    private sealed class TopologyScores
    {
        public Dictionary<string, Dictionary<string, long>>? Domains { get; private set; }

        public void Add(NodeInfo node, string topologyKey, long weight)
        {
            if (!node.Labels.TryGetValue(topologyKey, out var value))
            {
                return;
            }

            Domains ??= new(StringComparer.Ordinal);
            ref var values = ref CollectionsMarshal.GetValueRefOrAddDefault(Domains, topologyKey, out _);
            values ??= new(StringComparer.Ordinal);
            CollectionsMarshal.GetValueRefOrAddDefault(values, value, out _) += weight;
        }
    }
}

using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

public sealed partial class InterPodAffinity
{
    public const string ExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

    public const string AffinityRulesNotMatch = "node(s) didn't match pod affinity rules";

    public const string AntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

    private const string PreFilterStateKey = "PreFilter" + PluginName;

    // No pod can come to match the pod's affinity by preemption, while evicting the pods it (or they) avoid can make room.
    private static readonly FilterResult AffinityFailure = FilterResult.Unresolvable(AffinityRulesNotMatch);
    private static readonly FilterResult AntiAffinityFailure = FilterResult.Unschedulable(AntiAffinityRulesNotMatch);
    private static readonly FilterResult ExistingAntiAffinityFailure = FilterResult.Unschedulable(ExistingAntiAffinityRulesNotMatch);

    /// <summary>
    /// Counts, per topology pair, the existing pods whose required anti-affinity selects the pod and the existing pods its own
    /// required terms select (upstream's filtering.go). Writes no state, so the filter passes every node, when the pod states
    /// no required terms and no existing pod's required anti-affinity selects it.
    /// </summary>
    public FilterResult PreFilter(CycleState state, PodInfo pod, IClusterSnapshot snapshot)
    {
        var existingAntiAffinity = CountExistingAntiAffinity(pod, snapshot);
        if (existingAntiAffinity is null && pod.RequiredAffinityTerms.Count == 0 && pod.RequiredAntiAffinityTerms.Count == 0)
        {
            return FilterResult.Fits;
        }

        var (affinity, antiAffinity) = CountIncomingTerms(pod, snapshot);
        state.Write(PreFilterStateKey, new FilterState(
            existingAntiAffinity ?? [],
            existingAntiAffinity is null ? [] : [.. existingAntiAffinity.Keys.Select(p => p.Key).Distinct()],
            affinity ?? [],
            antiAffinity ?? [],
            MatchesAll(pod.RequiredAffinityTerms, pod, snapshot)));
        return FilterResult.Fits;
    }

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (state.Read<FilterState>(PreFilterStateKey) is not { } counts)
        {
            return FilterResult.Fits;
        }

        if (!counts.SatisfiesPodAffinity(pod, node))
        {
            return AffinityFailure;
        }

        if (!counts.SatisfiesPodAntiAffinity(pod, node))
        {
            return AntiAffinityFailure;
        }

        return counts.SatisfiesExistingPodsAntiAffinity(node) ? FilterResult.Fits : ExistingAntiAffinityFailure;
    }

    private static Dictionary<TopologyPair, long>? CountExistingAntiAffinity(PodInfo pod, IClusterSnapshot snapshot)
    {
        Dictionary<TopologyPair, long>? counts = null;
        IReadOnlyDictionary<string, string>? namespaceLabels = null;
        var nodes = snapshot.NodesWithRequiredAntiAffinityPods;
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            if (node.Node is null || node.PodsWithRequiredAntiAffinity.Count == 0)
            {
                continue;
            }

            namespaceLabels ??= NamespaceLabelsOf(pod, snapshot);
            foreach (var existing in node.PodsWithRequiredAntiAffinity)
            {
                var terms = existing.RequiredAntiAffinityTerms;
                for (var t = 0; t < terms.Count; t++)
                {
                    if (SelectsIncoming(terms[t], pod, namespaceLabels))
                    {
                        AddToDomain(ref counts, node, terms[t].TopologyKey, 1);
                    }
                }
            }
        }

        return counts;
    }

    private static (Dictionary<TopologyPair, long>? Affinity, Dictionary<TopologyPair, long>? AntiAffinity) CountIncomingTerms(PodInfo pod, IClusterSnapshot snapshot)
    {
        Dictionary<TopologyPair, long>? affinity = null;
        Dictionary<TopologyPair, long>? antiAffinity = null;
        var affinityTerms = pod.RequiredAffinityTerms;
        var antiAffinityTerms = pod.RequiredAntiAffinityTerms;
        if (affinityTerms.Count + antiAffinityTerms.Count == 0)
        {
            return (null, null);
        }

        var nodes = snapshot.Nodes;
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            if (node.Node is null)
            {
                continue;
            }

            foreach (var existing in node.Pods)
            {
                // An affinity counts only pods that every one of the pod's affinity terms selects.
                if (MatchesAll(affinityTerms, existing, snapshot))
                {
                    for (var t = 0; t < affinityTerms.Count; t++)
                    {
                        AddToDomain(ref affinity, node, affinityTerms[t].TopologyKey, 1);
                    }
                }

                for (var t = 0; t < antiAffinityTerms.Count; t++)
                {
                    if (SelectsExisting(antiAffinityTerms[t], existing, snapshot))
                    {
                        AddToDomain(ref antiAffinity, node, antiAffinityTerms[t].TopologyKey, 1);
                    }
                }
            }
        }

        return (affinity, antiAffinity);
    }

    /// <summary>Upstream's podMatchesAllAffinityTerms: false for no terms.</summary>
    private static bool MatchesAll(IReadOnlyList<AffinityTerm> terms, PodInfo pod, IClusterSnapshot snapshot)
    {
        if (terms.Count == 0)
        {
            return false;
        }

        for (var t = 0; t < terms.Count; t++)
        {
            if (!SelectsExisting(terms[t], pod, snapshot))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class FilterState(
        Dictionary<TopologyPair, long> existingAntiAffinity,
        string[] existingAntiAffinityKeys,
        Dictionary<TopologyPair, long> affinity,
        Dictionary<TopologyPair, long> antiAffinity,
        bool podMatchesOwnAffinity)
    {
        /// <summary>
        /// Every affinity term's topology key must be on the node, and each of its domains must hold a selected pod — unless
        /// no pod anywhere is selected and the pod selects itself: the first pod of a group that attracts itself.
        /// </summary>
        public bool SatisfiesPodAffinity(PodInfo pod, NodeInfo node)
        {
            var terms = pod.RequiredAffinityTerms;
            var podsExist = true;
            for (var t = 0; t < terms.Count; t++)
            {
                if (!node.Labels.TryGetValue(terms[t].TopologyKey, out var value))
                {
                    return false;
                }

                if (affinity.GetValueOrDefault(new TopologyPair(terms[t].TopologyKey, value)) <= 0)
                {
                    podsExist = false;
                }
            }

            return podsExist || (affinity.Count == 0 && podMatchesOwnAffinity);
        }

        public bool SatisfiesPodAntiAffinity(PodInfo pod, NodeInfo node)
        {
            if (antiAffinity.Count == 0)
            {
                return true;
            }

            var terms = pod.RequiredAntiAffinityTerms;
            for (var t = 0; t < terms.Count; t++)
            {
                if (node.Labels.TryGetValue(terms[t].TopologyKey, out var value) && antiAffinity.GetValueOrDefault(new TopologyPair(terms[t].TopologyKey, value)) > 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Upstream walks the node's labels; walking the few topology keys counted finds the same pairs.</summary>
        public bool SatisfiesExistingPodsAntiAffinity(NodeInfo node)
        {
            foreach (var key in existingAntiAffinityKeys)
            {
                if (node.Labels.TryGetValue(key, out var value) && existingAntiAffinity.GetValueOrDefault(new TopologyPair(key, value)) > 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

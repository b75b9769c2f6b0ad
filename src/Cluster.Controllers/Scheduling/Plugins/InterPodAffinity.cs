using System.Runtime.InteropServices;
using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// Upstream's InterPodAffinity plugin: the filter keeps a pod off nodes that break its required pod (anti-)affinity or an
/// existing pod's required anti-affinity; the score pulls it toward pods it (or they) prefer and away from pods it (or they)
/// avoid. All cluster-wide counting happens once per cycle (pre-filter, pre-score), keyed by topology pair, so the per-node
/// checks are dictionary lookups.
/// </summary>
public sealed partial class InterPodAffinity : IPreFilterPlugin, IFilterPlugin, IScorePlugin
{
    public const string PluginName = "InterPodAffinity";

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private readonly int _hardPodAffinityWeight;

    /// <param name="hardPodAffinityWeight">
    /// What an existing pod's required affinity term that selects the incoming pod adds to its topology's score
    /// (upstream's hardPodAffinityWeight argument, 0..100, default 1); 0 leaves required terms out of scoring.
    /// </param>
    public InterPodAffinity(int hardPodAffinityWeight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hardPodAffinityWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hardPodAffinityWeight, 100);
        _hardPodAffinityWeight = hardPodAffinityWeight;
    }

    public string Name => PluginName;

    public int Weight => 2;

    /// <summary>
    /// Whether one of the incoming pod's own terms selects an existing pod. Upstream first widens such a term's namespaces to
    /// every known namespace its namespace selector matches (an empty selector keeps matching all, even unknown ones); looking
    /// the existing pod's namespace up gives the same answer without listing namespaces.
    /// </summary>
    private static bool SelectsExisting(AffinityTerm term, PodInfo existing, IClusterSnapshot snapshot) =>
        (term.Namespaces.Contains(existing.Namespace)
            || (term.NamespaceSelector is { } selector
                && (selector.IsEverything || (snapshot.NamespaceLabels(existing.Namespace) is { } labels && selector.Matches(labels)))))
        && term.Selector.Matches(existing.Labels);

    /// <summary>
    /// Whether an existing pod's term selects the incoming pod; the namespace selector sees the incoming pod's namespace labels,
    /// none when the namespace is unknown (upstream's GetNamespaceLabelsSnapshot).
    /// </summary>
    private static bool SelectsIncoming(AffinityTerm term, PodInfo incoming, IReadOnlyDictionary<string, string> incomingNamespaceLabels) =>
        (term.Namespaces.Contains(incoming.Namespace) || (term.NamespaceSelector?.Matches(incomingNamespaceLabels) ?? false))
        && term.Selector.Matches(incoming.Labels);

    private static IReadOnlyDictionary<string, string> NamespaceLabelsOf(PodInfo pod, IClusterSnapshot snapshot) =>
        snapshot.NamespaceLabels(pod.Namespace) ?? NoLabels;

    /// <summary>Adds <paramref name="delta"/> to the node's domain of <paramref name="topologyKey"/>; a node without the label has no such domain.</summary>
    private static void AddToDomain(ref Dictionary<TopologyPair, long>? counts, NodeInfo node, string topologyKey, long delta)
    {
        if (node.Labels.TryGetValue(topologyKey, out var value))
        {
            counts ??= [];
            CollectionsMarshal.GetValueRefOrAddDefault(counts, new TopologyPair(topologyKey, value), out _) += delta;
        }
    }

    private readonly record struct TopologyPair(string Key, string Value);
}

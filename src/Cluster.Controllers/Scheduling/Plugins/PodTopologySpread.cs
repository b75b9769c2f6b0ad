using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// Upstream's PodTopologySpread plugin: <c>DoNotSchedule</c> constraints filter out nodes whose domain would exceed the
/// allowed skew, <c>ScheduleAnyway</c> constraints (or, for a pod that states none, the system defaults over the pods of
/// the controllers that select it) favour the domains holding fewest matching pods. Matching pods are counted once per
/// cycle over all nodes, so the per-node checks are lookups.
/// </summary>
public sealed partial class PodTopologySpread : IPreFilterPlugin, IFilterPlugin, IScorePlugin
{
    public const string PluginName = "PodTopologySpread";

    internal const string HostnameKey = "kubernetes.io/hostname";

    internal const string ZoneKey = "topology.kubernetes.io/zone";

    private readonly Func<PodInfo, LabelSelector?> _defaultSelector;

    /// <param name="defaultSelector">
    /// The selector of the Services, ReplicationControllers, ReplicaSets and StatefulSets that select a pod (upstream's
    /// helper.DefaultSelector); null, or a selector that selects everything, leaves a pod without constraints unspread.
    /// </param>
    public PodTopologySpread(Func<PodInfo, LabelSelector?> defaultSelector) => _defaultSelector = defaultSelector;

    public string Name => PluginName;

    public int Weight => 2;

    /// <summary>Whether the node has every constraint's topology key (a node missing one is in no domain of it).</summary>
    private static bool HasAllTopologyKeys(NodeInfo node, SpreadConstraint[] constraints)
    {
        foreach (var constraint in constraints)
        {
            if (!node.Labels.ContainsKey(constraint.TopologyKey))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Upstream's countPodsMatchSelector: terminating pods and other namespaces' pods do not count, nor does any pod for an
    /// empty selector. The node keeps the count until its pods change, so a cycle recounts only the nodes that changed.
    /// </summary>
    private static int CountMatchingPods(NodeInfo node, SpreadConstraint constraint) =>
        constraint.Selector.IsEverything ? 0 : node.CountMatching(constraint.Selection);
}

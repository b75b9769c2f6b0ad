using System.Runtime.InteropServices;
using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

public sealed partial class PodTopologySpread
{
    public const string ConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";

    public const string NodeLabelNotMatch = ConstraintsNotMatch + " (missing required label)";

    private const string PreFilterStateKey = "PreFilter" + PluginName;

    // A node without the topology label never joins a domain, whatever is evicted; a crowded domain can be thinned by preemption.
    private static readonly FilterResult MissingLabelFailure = FilterResult.Unresolvable(NodeLabelNotMatch);
    private static readonly FilterResult SkewFailure = FilterResult.Unschedulable(ConstraintsNotMatch);

    /// <summary>
    /// Counts, for each DoNotSchedule constraint, the matching pods of every domain over the nodes that count for it
    /// (upstream's calPreFilterState). Writes no state, so the filter passes every node, when the pod has no such constraint;
    /// the system defaults are all ScheduleAnyway, so they never filter.
    /// </summary>
    public FilterResult PreFilter(CycleState state, PodInfo pod, IClusterSnapshot snapshot)
    {
        if (pod.Pod.Spec?.TopologySpreadConstraints is not { Count: > 0 })
        {
            return FilterResult.Fits;
        }

        var constraints = OwnConstraints(pod, DoNotSchedule, out var error);
        if (error is not null)
        {
            return FilterResult.Unresolvable("obtaining pod's hard topology spread constraints: " + error);
        }

        if (constraints.Length == 0)
        {
            return FilterResult.Fits;
        }

        var domains = new Dictionary<string, int>[constraints.Length];
        for (var i = 0; i < constraints.Length; i++)
        {
            domains[i] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var nodes = snapshot.Nodes;
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            if (node.Node is null || !HasAllTopologyKeys(node, constraints))
            {
                continue;
            }

            for (var i = 0; i < constraints.Length; i++)
            {
                var constraint = constraints[i];
                if (constraint.Counts(pod.Pod, node))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(domains[i], node.Labels[constraint.TopologyKey], out _) +=
                        CountMatchingPods(node, constraint);
                }
            }
        }

        state.Write(PreFilterStateKey, new FilterState(pod, constraints, domains));
        return FilterResult.Fits;
    }

    /// <summary>
    /// Upstream's judging criterion per constraint: the domain's matching pods, plus one if the pod matches its own selector,
    /// minus the global minimum (0 while fewer domains than minDomains exist) must not exceed maxSkew.
    /// </summary>
    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (state.Read<FilterState>(PreFilterStateKey) is not { } spread)
        {
            return FilterResult.Fits;
        }

        for (var i = 0; i < spread.Constraints.Length; i++)
        {
            var constraint = spread.Constraints[i];
            if (!node.Labels.TryGetValue(constraint.TopologyKey, out var domain))
            {
                return MissingLabelFailure;
            }

            long skew = spread.Domains[i].GetValueOrDefault(domain) + spread.SelfMatch[i] - spread.GlobalMinimum[i];
            if (skew > constraint.MaxSkew)
            {
                return SkewFailure;
            }
        }

        return FilterResult.Fits;
    }

    private sealed class FilterState
    {
        public FilterState(PodInfo pod, SpreadConstraint[] constraints, Dictionary<string, int>[] domains)
        {
            Constraints = constraints;
            Domains = domains;
            SelfMatch = new int[constraints.Length];
            GlobalMinimum = new long[constraints.Length];
            for (var i = 0; i < constraints.Length; i++)
            {
                SelfMatch[i] = constraints[i].Selector.Matches(pod.Labels) ? 1 : 0;

                // No domain at all leaves the minimum at upstream's MaxInt32, so every node passes the skew check.
                GlobalMinimum[i] = domains[i].Count < constraints[i].MinDomains ? 0 : domains[i].Count == 0 ? int.MaxValue : domains[i].Values.Min();
            }
        }

        public SpreadConstraint[] Constraints { get; }

        /// <summary>Per constraint: topology value → matching pods.</summary>
        public Dictionary<string, int>[] Domains { get; }

        public int[] SelfMatch { get; }

        public long[] GlobalMinimum { get; }
    }
}

using System.Text.Json.Nodes;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Scheduling.Plugins;

public sealed partial class PodTopologySpread
{
    private const string DoNotSchedule = "DoNotSchedule";

    private const string ScheduleAnyway = "ScheduleAnyway";

    /// <summary>
    /// A topology spread constraint with its selector parsed (and narrowed by its matchLabelKeys) and the unstated fields at
    /// upstream's defaults: minDomains 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore.
    /// </summary>
    internal sealed record SpreadConstraint(int MaxSkew, string TopologyKey, LabelSelector Selector, string Namespace, int MinDomains, bool HonorNodeAffinity, bool HonorNodeTaints)
    {
        /// <summary>The pods the constraint counts: its selector's, in the incoming pod's namespace.</summary>
        public PodSelection Selection { get; } = new(Namespace, Selector);

        /// <summary>
        /// Whether the node's pods count toward the constraint's domains: under Honor policies, only nodes the pod could be
        /// placed on by its node selector and affinity, and whose NoSchedule/NoExecute taints it tolerates.
        /// </summary>
        public bool Counts(V1Pod pod, NodeInfo node) =>
            (!HonorNodeAffinity || NodeAffinityMatch.Matches(pod, node))
            && (!HonorNodeTaints || TaintMatch.ToleratesDoNotScheduleTaints(pod.Spec?.Tolerations, node.Taints));
    }

    /// <summary>The system default constraints (upstream's systemDefaultConstraints), all ScheduleAnyway.</summary>
    private static SpreadConstraint[] SystemDefaults(LabelSelector selector, string ns) =>
    [
        new(3, HostnameKey, selector, ns, 1, HonorNodeAffinity: true, HonorNodeTaints: false),
        new(5, ZoneKey, selector, ns, 1, HonorNodeAffinity: true, HonorNodeTaints: false),
    ];

    /// <summary>The pod's own constraints of one <paramref name="action"/> (upstream's filterTopologySpreadConstraints); error names a malformed selector.</summary>
    private static SpreadConstraint[] OwnConstraints(PodInfo pod, string action, out string? error)
    {
        error = null;
        var result = new List<SpreadConstraint>();
        foreach (var constraint in pod.Pod.Spec?.TopologySpreadConstraints ?? [])
        {
            if (constraint.WhenUnsatisfiable != action)
            {
                continue;
            }

            if (!TrySelectorOf(constraint, pod.Labels, out var selector, out error))
            {
                return [];
            }

            result.Add(new SpreadConstraint(
                constraint.MaxSkew,
                constraint.TopologyKey ?? "",
                selector,
                pod.Namespace,
                constraint.MinDomains ?? 1,
                HonorNodeAffinity: constraint.NodeAffinityPolicy is null or "Honor",
                HonorNodeTaints: constraint.NodeTaintsPolicy == "Honor"));
        }

        return [.. result];
    }

    /// <summary>
    /// The constraint's label selector (none: selects nothing) with, for each matchLabelKeys key the pod carries, a requirement
    /// that the key hold the pod's value — so only pods of the same revision (pod-template-hash...) are counted.
    /// </summary>
    private static bool TrySelectorOf(V1TopologySpreadConstraint constraint, IReadOnlyDictionary<string, string> podLabels, out LabelSelector selector, out string? error)
    {
        error = null;
        selector = LabelSelector.Nothing;
        if (constraint.LabelSelector is null)
        {
            return true;
        }

        var json = JsonNode.Parse(KubernetesJson.Serialize(constraint.LabelSelector))!.AsObject();
        foreach (var key in constraint.MatchLabelKeys ?? [])
        {
            if (podLabels.TryGetValue(key, out var value))
            {
                if (json["matchExpressions"] is not JsonArray expressions)
                {
                    json["matchExpressions"] = expressions = [];
                }

                expressions.Add(new JsonObject { ["key"] = key, ["operator"] = "In", ["values"] = new JsonArray(value) });
            }
        }

        return LabelSelector.TryFromJson(json, out selector, out error);
    }
}

using System.Runtime.CompilerServices;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// Whether a node satisfies a pod's <c>spec.nodeSelector</c> and required node affinity (upstream's
/// nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)). Each pod version is parsed once and the parse kept beside
/// the pod, so the per-node check, run for thousands of nodes per cycle, allocates nothing.
/// </summary>
public static class NodeAffinityMatch
{
    /// <summary>Keyed by the pod object: a pod version is never mutated, a new version is a new object.</summary>
    private static readonly ConditionalWeakTable<V1Pod, RequiredNodeAffinity> Parsed = new();

    public static bool Matches(V1Pod pod, NodeInfo node)
    {
        var spec = pod.Spec;
        if (spec is null || (spec.NodeSelector is not { Count: > 0 } && spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is null))
        {
            return true;
        }

        return Parsed.GetValue(pod, Parse).Matches(node);
    }

    /// <summary>A PersistentVolume's required node affinity, parsed; null when the volume may be used from any node.</summary>
    internal static NodeSelectorTerm[]? VolumeTerms(V1PersistentVolume volume) =>
        volume.Spec?.NodeAffinity?.Required is { } required ? [.. (required.NodeSelectorTerms ?? []).Select(NodeSelectorTerm.Parse)] : null;

    /// <summary>Upstream's volume CheckNodeAffinity: no terms (null) fit every node, else one of them must hold.</summary>
    internal static bool AnyHolds(NodeSelectorTerm[]? terms, string nodeName, IReadOnlyDictionary<string, string> nodeLabels)
    {
        if (terms is null)
        {
            return true;
        }

        foreach (var term in terms)
        {
            if (term.Matches(nodeName, nodeLabels))
            {
                return true;
            }
        }

        return false;
    }

    private static RequiredNodeAffinity Parse(V1Pod pod)
    {
        var spec = pod.Spec!;
        var nodeSelector = spec.NodeSelector is { Count: > 0 } selector ? selector.ToArray() : [];
        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        var terms = required is null
            ? null
            : (required.NodeSelectorTerms ?? []).Where(t => (t.MatchExpressions?.Count ?? 0) + (t.MatchFields?.Count ?? 0) > 0).Select(NodeSelectorTerm.Parse).ToArray();
        return new RequiredNodeAffinity(nodeSelector, terms);
    }

    /// <summary>The node selector's pairs must all hold; then, when required affinity is stated, one of its terms.</summary>
    private sealed class RequiredNodeAffinity(KeyValuePair<string, string>[] nodeSelector, NodeSelectorTerm[]? terms)
    {
        public bool Matches(NodeInfo node)
        {
            foreach (var (key, value) in nodeSelector)
            {
                if (!node.Labels.TryGetValue(key, out var actual) || actual != value)
                {
                    return false;
                }
            }

            if (terms is null)
            {
                return true;
            }

            foreach (var term in terms)
            {
                if (term.Matches(node))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// One nodeSelectorTerm: its expressions on labels and its fields (only <c>metadata.name</c> has a value) all hold.
    /// A term with a malformed requirement never matches, as upstream ignores terms that fail to parse.
    /// </summary>
    internal sealed class NodeSelectorTerm(LabelRequirement[] labels, FieldRequirement[] fields, bool malformed)
    {
        public static NodeSelectorTerm Parse(V1NodeSelectorTerm term)
        {
            var malformed = false;
            var labels = new List<LabelRequirement>();
            foreach (var expression in term.MatchExpressions ?? [])
            {
                LabelOperator? op = expression.OperatorProperty switch
                {
                    "In" => LabelOperator.In,
                    "NotIn" => LabelOperator.NotIn,
                    "Exists" => LabelOperator.Exists,
                    "DoesNotExist" => LabelOperator.DoesNotExist,
                    "Gt" => LabelOperator.GreaterThan,
                    "Lt" => LabelOperator.LessThan,
                    _ => null,
                };
                if (op is null)
                {
                    malformed = true;
                    continue;
                }

                var requirement = LabelRequirement.Create(expression.Key ?? "", op.Value, expression.Values ?? [], out var errors);
                malformed |= errors.Count > 0;
                labels.Add(requirement);
            }

            var fields = new List<FieldRequirement>();
            foreach (var expression in term.MatchFields ?? [])
            {
                var valid = expression.OperatorProperty is "In" or "NotIn" && expression.Values is { Count: 1 };
                malformed |= !valid;
                if (valid)
                {
                    fields.Add(new FieldRequirement(expression.Key ?? "", expression.Values![0], expression.OperatorProperty == "In"));
                }
            }

            return new NodeSelectorTerm([.. labels], [.. fields], malformed);
        }

        public bool Matches(NodeInfo node) => Matches(node.Name, node.Labels);

        public bool Matches(string nodeName, IReadOnlyDictionary<string, string> nodeLabels)
        {
            // A term with no requirement selects no node (upstream's nodeSelectorTerm matching).
            if (malformed || labels.Length + fields.Length == 0)
            {
                return false;
            }

            foreach (var requirement in labels)
            {
                if (!requirement.Matches(nodeLabels))
                {
                    return false;
                }
            }

            foreach (var field in fields)
            {
                if (!field.Matches(nodeName))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>A matchFields requirement: a field other than <c>metadata.name</c> reads as empty, as in upstream's fields.Set.</summary>
    internal readonly record struct FieldRequirement(string Field, string Value, bool Equal)
    {
        public bool Matches(string nodeName) => ((Field == "metadata.name" ? nodeName : "") == Value) == Equal;
    }
}

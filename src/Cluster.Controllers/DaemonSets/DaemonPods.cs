using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.DaemonSets;

/// <summary>A DaemonSet's pods (upstream's daemon util): what one looks like, which node it is for, whether it is up to date. Pure.</summary>
public static class DaemonPods
{
    /// <summary>The label a daemon pod carries its DaemonSet's template generation in (upstream's DaemonSetTemplateGenerationKey).</summary>
    public const string TemplateGenerationLabel = "pod-template-generation";

    /// <summary>The label a daemon pod and its ControllerRevision carry the template's hash in (upstream's DefaultDaemonSetUniqueLabelKey).</summary>
    public const string HashLabel = "controller-revision-hash";

    /// <summary>The annotation the registry keeps the template generation in (upstream's deprecated.daemonset.template.generation).</summary>
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";

    /// <summary>
    /// Upstream's AddOrUpdateDaemonPodTolerations: a daemon pod stays on a node that is not ready, unreachable, under
    /// pressure or cordoned (the node's own agents need it there), and a host-network one on a node without a network.
    /// </summary>
    public static IReadOnlyList<V1Toleration> DefaultTolerations(bool hostNetwork)
    {
        List<V1Toleration> tolerations =
        [
            Exists("node.kubernetes.io/not-ready", "NoExecute"),
            Exists("node.kubernetes.io/unreachable", "NoExecute"),
            Exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
            Exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
            Exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
            Exists("node.kubernetes.io/unschedulable", "NoSchedule"),
        ];
        if (hostNetwork)
        {
            tolerations.Add(Exists("node.kubernetes.io/network-unavailable", "NoSchedule"));
        }

        return tolerations;
    }

    /// <summary>The template generation pods are labelled with: the registry's annotation, else the generation.</summary>
    public static long TemplateGeneration(V1DaemonSet ds) =>
        ds.Metadata.Annotations?.TryGetValue(TemplateGenerationAnnotation, out var text) == true && long.TryParse(text, out var generation)
            ? generation
            : ds.Metadata.Generation ?? 0;

    /// <summary>
    /// Upstream's NewPod: the template's pod as if on <paramref name="nodeName"/>, with the default tolerations; what
    /// the node checks judge.
    /// </summary>
    public static V1Pod Probe(V1DaemonSet ds, string nodeName)
    {
        var spec = Clone(ds.Spec.Template.Spec ?? new V1PodSpec());
        spec.NodeName = nodeName;
        AddDefaultTolerations(spec);
        return new V1Pod { Metadata = new V1ObjectMeta { NamespaceProperty = ds.Metadata.NamespaceProperty, Labels = ds.Spec.Template.Metadata?.Labels }, Spec = spec };
    }

    /// <summary>
    /// The pod to create for <paramref name="nodeName"/> (upstream's syncNodes): the template with the generation and
    /// hash labels and the default tolerations, pinned by a required node affinity on the node's name that replaces
    /// the template's required terms (the node was already checked against them), so the scheduler binds it there.
    /// </summary>
    public static V1Pod PodFor(V1DaemonSet ds, string nodeName, string hash)
    {
        var template = ds.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [TemplateGenerationLabel] = TemplateGeneration(ds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [HashLabel] = hash,
        };
        var spec = Clone(template.Spec ?? new V1PodSpec());
        AddDefaultTolerations(spec);
        spec.Affinity = PinTo(spec.Affinity, nodeName);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = ds.Metadata.Name + "-",
                NamespaceProperty = ds.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                Finalizers = template.Metadata?.Finalizers is { Count: > 0 } finalizers ? [.. finalizers] : null,
                OwnerReferences = [ControllerRef(ds)],
            },
            Spec = spec,
        };
    }

    public static V1OwnerReference ControllerRef(V1DaemonSet ds) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "DaemonSet",
        Name = ds.Metadata.Name,
        Uid = ds.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>Upstream's ReplaceDaemonSetPodNodeNameNodeAffinity.</summary>
    public static V1Affinity PinTo(V1Affinity? affinity, string nodeName)
    {
        var term = new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [nodeName] }] };
        affinity ??= new V1Affinity();
        affinity.NodeAffinity ??= new V1NodeAffinity();
        affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution ??= new V1NodeSelector();
        affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = [term];
        return affinity;
    }

    /// <summary>
    /// Upstream's GetTargetNodeName: the node a pod is bound to, or for one not yet scheduled the node its
    /// <c>metadata.name</c> affinity pins it to; null for neither.
    /// </summary>
    public static string? TargetNode(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            return pod.Spec.NodeName;
        }

        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is not { Count: 1 } || terms[0].MatchFields is not { Count: 1 } fields)
        {
            return null;
        }

        var field = fields[0];
        return field is { Key: "metadata.name", OperatorProperty: "In", Values.Count: 1 } ? field.Values[0] : null;
    }

    /// <summary>Upstream's IsPodUpdated: made from the current template generation or labelled with the current hash.</summary>
    public static bool IsUpdated(V1Pod pod, string hash, long templateGeneration)
    {
        var labels = pod.Metadata?.Labels;
        var generationMatches = labels?.TryGetValue(TemplateGenerationLabel, out var g) == true && g == templateGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hashMatches = hash.Length > 0 && labels?.TryGetValue(HashLabel, out var h) == true && h == hash;
        return generationMatches || hashMatches;
    }

    /// <summary>
    /// Upstream's NodeShouldRunDaemonPod: whether a daemon pod should be made on the node (template's nodeName, node
    /// selector and required affinity, and every NoSchedule and NoExecute taint tolerated), and whether one there
    /// should stay (it may when only NoSchedule taints are not tolerated: they keep new pods off, not running ones).
    /// </summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) ShouldRun(V1Node node, V1Pod probe, string? templateNodeName)
    {
        if (!string.IsNullOrEmpty(templateNodeName) && templateNodeName != node.Metadata.Name)
        {
            return (false, false);
        }

        var info = new NodeInfo(node.Metadata.Name);
        info.SetNode(node);
        if (!NodeAffinityMatch.Matches(probe, info))
        {
            return (false, false);
        }

        var taints = node.Spec?.Taints ?? [];
        if (TaintMatch.ToleratesDoNotScheduleTaints(probe.Spec.Tolerations, taints))
        {
            return (true, true);
        }

        return (false, taints.All(t => t.Effect != "NoExecute" || TaintMatch.Tolerates(probe.Spec.Tolerations, t)));
    }

    private static void AddDefaultTolerations(V1PodSpec spec)
    {
        spec.Tolerations ??= [];
        foreach (var toleration in DefaultTolerations(spec.HostNetwork == true))
        {
            // Upstream's AddOrUpdateTolerationInPodSpec: one already there (same key, operator, value and effect) is kept.
            if (spec.Tolerations.Any(t => t.Key == toleration.Key && t.OperatorProperty == toleration.OperatorProperty && string.IsNullOrEmpty(t.Value) && t.Effect == toleration.Effect))
            {
                continue;
            }

            spec.Tolerations.Add(toleration);
        }
    }

    private static V1Toleration Exists(string key, string effect) => new() { Key = key, OperatorProperty = "Exists", Effect = effect };

    private static V1PodSpec Clone(V1PodSpec spec) => KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(spec));
}

using System.Globalization;
using Cluster.Controllers.ReplicaSets;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.StatefulSets;

/// <summary>A StatefulSet's pods and claims (upstream's stateful_set_utils): names, ordinals, identity, storage, revision and health. Pure.</summary>
public static class StatefulPods
{
    /// <summary>The label naming the pod (upstream's StatefulSetPodNameLabel), for a Service per pod.</summary>
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";

    /// <summary>The label carrying the pod's ordinal (upstream's PodIndexLabel).</summary>
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    /// <summary>The label naming the ControllerRevision a pod was made from (upstream's StatefulSetRevisionLabel).</summary>
    public const string RevisionLabel = "controller-revision-hash";

    public static string PodName(string set, int ordinal) => set + "-" + ordinal.ToString(CultureInfo.InvariantCulture);

    /// <summary>Upstream's getParentNameAndOrdinal: the set name and ordinal a pod's name spells; ordinal -1 for none.</summary>
    public static (string Parent, int Ordinal) ParentAndOrdinal(string name)
    {
        var dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1 || name.AsSpan(dash + 1).ContainsAnyExceptInRange('0', '9'))
        {
            return ("", -1);
        }

        return int.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? (name[..dash], ordinal) : ("", -1);
    }

    /// <summary>The first ordinal (spec.ordinals.start, 0 when unset).</summary>
    public static int StartOrdinal(V1StatefulSet set) => set.Spec.Ordinals?.Start ?? 0;

    /// <summary>Upstream's getPersistentVolumeClaimName.</summary>
    public static string ClaimName(string template, string set, int ordinal) => template + "-" + PodName(set, ordinal);

    /// <summary>
    /// Upstream's getPersistentVolumeClaims: each volumeClaimTemplate for the ordinal, by template name, labelled with
    /// the set's matchLabels; with a whenDeleted Delete retention policy owned by the set, so they go with it.
    /// </summary>
    public static Dictionary<string, V1PersistentVolumeClaim> Claims(V1StatefulSet set, int ordinal)
    {
        var claims = new Dictionary<string, V1PersistentVolumeClaim>(StringComparer.Ordinal);
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            var claim = KubernetesJson.Deserialize<V1PersistentVolumeClaim>(KubernetesJson.Serialize(template));
            claim.ApiVersion = "v1";
            claim.Kind = "PersistentVolumeClaim";
            claim.Status = null;
            claim.Metadata ??= new V1ObjectMeta();
            claim.Metadata.Name = ClaimName(template.Metadata.Name, set.Metadata.Name, ordinal);
            claim.Metadata.NamespaceProperty = set.Metadata.NamespaceProperty;
            claim.Metadata.Labels ??= new Dictionary<string, string>();
            foreach (var (key, value) in set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
            {
                claim.Metadata.Labels[key] = value;
            }

            if (set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == "Delete")
            {
                claim.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = set.Metadata.Name, Uid = set.Metadata.Uid, BlockOwnerDeletion = true }];
            }

            claims[template.Metadata.Name] = claim;
        }

        return claims;
    }

    /// <summary>
    /// Upstream's newStatefulSetPod with setPodRevision: the template's pod named for the ordinal, with its identity
    /// (name and index labels, hostname, the governing service as subdomain), its claims mounted in place of any
    /// template volume of the same name, and the revision it was made from.
    /// </summary>
    public static V1Pod PodFor(V1StatefulSet set, V1PodTemplateSpec template, int ordinal, string revision)
    {
        var name = PodName(set.Metadata.Name, ordinal);
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [PodNameLabel] = name,
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
            [RevisionLabel] = revision,
        };
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec ?? new V1PodSpec()));
        spec.Hostname = name;
        spec.Subdomain = string.IsNullOrEmpty(set.Spec.ServiceName) ? null : set.Spec.ServiceName;
        var claims = Claims(set, ordinal);
        spec.Volumes = [.. claims.Select(c => new V1Volume { Name = c.Key, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = c.Value.Metadata.Name } }),
            .. (spec.Volumes ?? []).Where(v => !claims.ContainsKey(v.Name))];
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                Finalizers = template.Metadata?.Finalizers is { Count: > 0 } finalizers ? [.. finalizers] : null,
                OwnerReferences = [ControllerRef(set)],
            },
            Spec = spec,
        };
    }

    public static V1OwnerReference ControllerRef(V1StatefulSet set) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Name = set.Metadata.Name,
        Uid = set.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    public static string Revision(V1Pod pod) => PodFacts.Labels(pod.Metadata).GetValueOrDefault(RevisionLabel) ?? "";

    public static int Ordinal(V1Pod pod) => ParentAndOrdinal(pod.Metadata.Name).Ordinal;

    public static bool IsTerminating(V1Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    public static bool IsFinished(V1Pod pod) => pod.Status?.Phase is "Failed" or "Succeeded";

    /// <summary>Upstream's isRunningAndReady.</summary>
    public static bool IsRunningAndReady(V1Pod pod) => pod.Status?.Phase == "Running" && PodFacts.IsReady(pod);

    /// <summary>Upstream's isRunningAndAvailable: running, and ready for minReadySeconds.</summary>
    public static bool IsRunningAndAvailable(V1Pod pod, int minReadySeconds, DateTimeOffset now) =>
        pod.Status?.Phase == "Running" && PodFacts.IsAvailable(pod, minReadySeconds, now);

    /// <summary>Upstream's isHealthy: running, ready and not terminating.</summary>
    public static bool IsHealthy(V1Pod pod) => IsRunningAndReady(pod) && !IsTerminating(pod);
}

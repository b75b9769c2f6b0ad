using System.Text;
using Cluster.Core.Registry;
using k8s;
using k8s.Models;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// Upstream's node authorization graph, asked instead of kept: which secrets, config maps, claims, volumes and service
/// accounts the pods bound to a node use. It reads the registry's pod cache, skipping pods bound elsewhere by their
/// indexed spec.nodeName before decoding any, so a node's read costs a scan of one namespace's pods.
/// </summary>
internal sealed class NodeGraph(ResourceRegistry registry)
{
    /// <summary>Whether the pod is bound to the node.</summary>
    public bool HasPod(string node, string ns, string name) =>
        registry.Cache(BuiltInKinds.Pod).Get(ns, name) is { } pod && pod.TryGetField("spec.nodeName", out var bound) && bound == node;

    /// <summary>Whether a pod bound to <paramref name="node"/> uses the object (a core resource by its plural).</summary>
    public bool References(string node, string resource, string ns, string name)
    {
        if (resource == "persistentvolumes")
        {
            return PodsOn(node, null).Any(pod => Claims(pod).Any(claim => VolumeOfClaim(pod.Namespace(), claim) == name));
        }

        Func<V1Pod, IEnumerable<string>>? uses = resource switch
        {
            "secrets" => Secrets,
            "configmaps" => ConfigMaps,
            "persistentvolumeclaims" => Claims,
            "serviceaccounts" => pod => [pod.Spec?.ServiceAccountName is { Length: > 0 } account ? account : "default"],
            _ => null,
        };
        return uses is not null && PodsOn(node, ns).Any(pod => uses(pod).Contains(name));
    }

    private IEnumerable<V1Pod> PodsOn(string node, string? ns)
    {
        foreach (var item in registry.Cache(BuiltInKinds.Pod).List(ns).Items)
        {
            if (item.TryGetField("spec.nodeName", out var bound) && bound == node)
            {
                yield return KubernetesJson.Deserialize<V1Pod>(Encoding.UTF8.GetString(item.Json));
            }
        }
    }

    private string? VolumeOfClaim(string ns, string claim) =>
        registry.Cache(BuiltInKinds.PersistentVolumeClaim).Get(ns, claim) is { } cached
            ? KubernetesJson.Deserialize<V1PersistentVolumeClaim>(Encoding.UTF8.GetString(cached.Json)).Spec?.VolumeName
            : null;

    private static IEnumerable<V1Container> Containers(V1Pod pod) =>
        (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []);

    private static IEnumerable<V1Volume> Volumes(V1Pod pod) => pod.Spec?.Volumes ?? [];

    private static IEnumerable<string> Secrets(V1Pod pod) =>
        (pod.Spec?.ImagePullSecrets ?? []).Select(s => s.Name)
            .Concat(Volumes(pod).Select(v => v.Secret?.SecretName))
            .Concat(Volumes(pod).SelectMany(v => v.Projected?.Sources ?? []).Select(s => s.Secret?.Name))
            .Concat(Containers(pod).SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name))
            .Concat(Containers(pod).SelectMany(c => c.EnvFrom ?? []).Select(e => e.SecretRef?.Name))
            .OfType<string>();

    private static IEnumerable<string> ConfigMaps(V1Pod pod) =>
        Volumes(pod).Select(v => v.ConfigMap?.Name)
            .Concat(Volumes(pod).SelectMany(v => v.Projected?.Sources ?? []).Select(s => s.ConfigMap?.Name))
            .Concat(Containers(pod).SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.ConfigMapKeyRef?.Name))
            .Concat(Containers(pod).SelectMany(c => c.EnvFrom ?? []).Select(e => e.ConfigMapRef?.Name))
            .OfType<string>();

    // A generic ephemeral volume's claim is named after the pod and the volume.
    private static IEnumerable<string> Claims(V1Pod pod) =>
        Volumes(pod).Select(v => v.PersistentVolumeClaim?.ClaimName ?? (v.Ephemeral is not null ? pod.Name() + "-" + v.Name : null)).OfType<string>();
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Controllers.Autoscaling;

/// <summary>
/// An autoscaler's target as its scale subresource shows it: spec.replicas and the pods' selector in text form
/// (empty when it has none), read from the informer's cached version, which a rescale then updates.
/// </summary>
internal sealed record ScaleTarget(ResourceKind Kind, CachedObject Cached, int Replicas, string Selector)
{
    /// <summary>The kinds with a scale subresource, by API group and kind.</summary>
    public static IReadOnlyList<ResourceKind> Kinds { get; } =
        [BuiltInKinds.Deployment, BuiltInKinds.ReplicaSet, BuiltInKinds.StatefulSet, BuiltInKinds.ReplicationController];

    /// <summary>Upstream's scale lookup: the reference's group and kind name a scalable kind, and the object exists; otherwise the error says why.</summary>
    public static bool TryFind(V2CrossVersionObjectReference reference, string ns, Func<ResourceKind, SharedInformer> informers, [NotNullWhen(true)] out ScaleTarget? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        var version = reference.ApiVersion ?? "";
        var parts = version.Split('/');
        if (parts.Length > 2)
        {
            error = $"unexpected GroupVersion string: {version}";
            return false;
        }

        var group = parts.Length == 2 ? parts[0] : "";
        if (Kinds.FirstOrDefault(k => k.Group == group && k.Kind == reference.Kind) is not { } kind)
        {
            error = $"no matches for kind \"{reference.Kind}\" in group \"{group}\"";
            return false;
        }

        if (informers(kind).Get(ns, reference.Name) is not { } cached)
        {
            error = $"{kind.Plural}{(group.Length > 0 ? "." + group : "")} \"{reference.Name}\" not found";
            return false;
        }

        var spec = cached.ToJsonObject()["spec"] as JsonObject ?? [];
        var replicas = spec["replicas"] is JsonValue r && r.TryGetValue<int>(out var n) ? n : 1;
        var selector = kind == BuiltInKinds.ReplicationController ? LabelSelector.FromMap(ObjectMeta.StringMap(spec["selector"])).ToString() : LabelSelector.FormatJson(spec["selector"]);
        target = new ScaleTarget(kind, cached, replicas, selector);
        error = null;
        return true;
    }
}

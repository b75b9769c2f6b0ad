using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>
/// The two kinds one replica controller serves, as upstream runs its ReplicaSet code for ReplicationControllers too
/// (converting them): their names, the Events' source, and how a stored object reads as a <see cref="ReplicaSetView"/>.
/// </summary>
public sealed class ReplicaKind
{
    private ReplicaKind(ResourceKind kind, string name, string component, Func<JsonObject, LabelSelector?> selector)
    {
        Kind = kind;
        Name = name;
        Component = component;
        SelectorOf = selector;
    }

    /// <summary>apps/v1 ReplicaSets: a metav1.LabelSelector (matchLabels and matchExpressions).</summary>
    public static ReplicaKind ReplicaSet { get; } = new(BuiltInKinds.ReplicaSet, "replicaset", "replicaset-controller", spec =>
        LabelSelector.TryFromJson(spec["selector"], out var selector, out _) ? selector : null);

    /// <summary>v1 ReplicationControllers: a plain label map (the registry defaults it from the template's labels).</summary>
    public static ReplicaKind ReplicationController { get; } = new(BuiltInKinds.ReplicationController, "replicationcontroller", "replication-controller", spec =>
        LabelSelector.FromMap((spec["selector"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal)));

    public ResourceKind Kind { get; }

    /// <summary>The controller's name for <c>controllers.enabled</c> (upstream's).</summary>
    public string Name { get; }

    /// <summary>The source component of its Events and the field manager of its writes.</summary>
    public string Component { get; }

    /// <summary>The spec's selector; null when it is malformed (upstream leaves such an object alone).</summary>
    private Func<JsonObject, LabelSelector?> SelectorOf { get; }

    /// <summary>The object as the controller reasons about it, whichever kind it is.</summary>
    public ReplicaSetView Read(CachedObject cached)
    {
        var json = cached.ToJsonObject();
        var spec = json["spec"] as JsonObject ?? [];
        var metadata = KubernetesJson.Deserialize<V1ObjectMeta>(json["metadata"]?.ToJsonString() ?? "{}");
        var status = json["status"] is JsonObject s ? KubernetesJson.Deserialize<V1ReplicaSetStatus>(s.ToJsonString()) : new V1ReplicaSetStatus();
        var template = spec["template"] is JsonObject t ? KubernetesJson.Deserialize<V1PodTemplateSpec>(t.ToJsonString()) : new V1PodTemplateSpec();
        return new ReplicaSetView(
            this,
            metadata,
            spec["replicas"]?.GetValue<int>() ?? 1,
            spec["minReadySeconds"]?.GetValue<int>() ?? 0,
            SelectorOf(spec),
            template,
            status,
            json);
    }

    /// <summary>A pod's owner reference naming <paramref name="set"/> as its controller (upstream's NewControllerRef).</summary>
    public V1OwnerReference ControllerRef(ReplicaSetView set) => new()
    {
        ApiVersion = Kind.ApiVersion,
        Kind = Kind.Kind,
        Name = set.Name,
        Uid = set.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    public override string ToString() => Name;

}

/// <param name="Replicas">spec.replicas (the registry defaults it to 1).</param>
/// <param name="Selector">The pods it selects; null when the selector is malformed.</param>
/// <param name="Json">The stored object, for the status write.</param>
public sealed record ReplicaSetView(
    ReplicaKind Kind,
    V1ObjectMeta Metadata,
    int Replicas,
    int MinReadySeconds,
    LabelSelector? Selector,
    V1PodTemplateSpec Template,
    V1ReplicaSetStatus Status,
    JsonObject Json)
{
    public string Namespace => Metadata.NamespaceProperty;

    public string Name => Metadata.Name;

    public string Uid => Metadata.Uid;

    public long Generation => Metadata.Generation ?? 0;

    public bool Deleting => Metadata.DeletionTimestamp is not null;

    public string Key => CachedObject.KeyOf(Namespace, Name);

    /// <summary>What its Events are about.</summary>
    public V1ObjectReference Reference => new()
    {
        ApiVersion = Kind.Kind.ApiVersion,
        Kind = Kind.Kind.Kind,
        NamespaceProperty = Namespace,
        Name = Name,
        Uid = Uid,
        ResourceVersion = Metadata.ResourceVersion,
    };
}

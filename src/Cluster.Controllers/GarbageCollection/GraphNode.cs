using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.GarbageCollection;

/// <summary>Where an object lives and which incarnation it is: a name reused after a delete is another uid.</summary>
public sealed record ObjectIdentity(ResourceKind Kind, string Namespace, string Name, string Uid)
{
    public override string ToString() => Kind.Plural + "/" + (Namespace.Length > 0 ? Namespace + "/" : "") + Name;
}

/// <summary>One of an object's ownerReferences, as the collector needs it.</summary>
public sealed record OwnerLink(string ApiVersion, string Kind, string Name, string Uid, bool BlockOwnerDeletion);

/// <summary>An object in the ownership graph: who it is, whom it names as owners, and how far its deletion has got.</summary>
/// <param name="Deleting">It has a deletionTimestamp.</param>
/// <param name="DeletingDependents">Deleting with the <c>foregroundDeletion</c> finalizer: it waits for its dependents.</param>
/// <param name="Orphaning">Deleting with the <c>orphan</c> finalizer: its dependents are to be let go.</param>
public sealed record GraphNode(ObjectIdentity Identity, IReadOnlyList<OwnerLink> Owners, bool Deleting, bool DeletingDependents, bool Orphaning)
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    public string Uid => Identity.Uid;

    /// <summary>The node of a cached object, or null for one without a uid (nothing can name it as owner).</summary>
    public static GraphNode? From(ResourceKind kind, CachedObject obj) =>
        obj.Uid is { Length: > 0 } ? From(kind, obj.As<MetadataOnly>().Metadata) : null;

    /// <summary>The node of an object read from the registry.</summary>
    public static GraphNode? From(ResourceKind kind, JsonObject obj) =>
        obj["metadata"] is JsonObject meta ? From(kind, KubernetesJson.Deserialize<V1ObjectMeta>(meta.ToJsonString())) : null;

    public static GraphNode? From(ResourceKind kind, V1ObjectMeta? meta)
    {
        if (meta?.Uid is not { Length: > 0 } uid)
        {
            return null;
        }

        var owners = (meta.OwnerReferences ?? [])
            .Where(o => o.Uid is { Length: > 0 })
            .Select(o => new OwnerLink(o.ApiVersion ?? "", o.Kind ?? "", o.Name ?? "", o.Uid, o.BlockOwnerDeletion == true))
            .ToList();
        var deleting = meta.DeletionTimestamp is not null;
        var finalizers = meta.Finalizers ?? [];
        return new GraphNode(
            new ObjectIdentity(kind, kind.Namespaced ? meta.NamespaceProperty ?? "" : "", meta.Name ?? "", uid),
            owners,
            deleting,
            deleting && finalizers.Contains(ForegroundFinalizer),
            deleting && finalizers.Contains(OrphanFinalizer));
    }

    /// <summary>Only the metadata of an object of any kind: the rest is never deserialized.</summary>
    internal sealed class MetadataOnly
    {
        [JsonPropertyName("metadata")]
        public V1ObjectMeta? Metadata { get; set; }
    }

    /// <summary>
    /// Whether the two say the same to the collector (record equality would compare the owner lists by reference): a
    /// version that changes nothing of this leaves the graph and every decision as they were.
    /// </summary>
    public bool SameAs(GraphNode other) =>
        Identity == other.Identity && Deleting == other.Deleting && DeletingDependents == other.DeletingDependents
        && Orphaning == other.Orphaning && Owners.SequenceEqual(other.Owners);

    /// <summary>This object's reference to <paramref name="ownerUid"/>, if it has one.</summary>
    public OwnerLink? OwnerRef(string ownerUid) => Owners.FirstOrDefault(o => o.Uid == ownerUid);
}

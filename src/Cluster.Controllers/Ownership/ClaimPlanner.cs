using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Ownership;

/// <summary>What a claim does with one object (upstream's BaseControllerRefManager.ClaimObject, without its writes).</summary>
public enum ClaimDecision
{
    /// <summary>Not ours and not to be ours: another controller's, an orphan that does not match, or one being deleted.</summary>
    Ignore,

    /// <summary>Ours and still matching.</summary>
    Keep,

    /// <summary>A matching orphan: it gets our controller reference.</summary>
    Adopt,

    /// <summary>Ours but no longer matching: it loses our reference.</summary>
    Release,
}

/// <summary>The controller claiming: its kind (for the controller reference and the fresh read) and its metadata.</summary>
public sealed record ClaimOwner(ResourceKind Kind, string Namespace, string Name, string Uid, bool Deleting)
{
    public static ClaimOwner Of(ResourceKind kind, V1ObjectMeta metadata) =>
        new(kind, metadata.NamespaceProperty, metadata.Name, metadata.Uid, metadata.DeletionTimestamp is not null);

    /// <summary>upstream's NewControllerRef: what an adopted object's ownerReferences gain.</summary>
    public V1OwnerReference ControllerRef => new()
    {
        ApiVersion = Kind.ApiVersion, Kind = Kind.Kind, Name = Name, Uid = Uid, Controller = true, BlockOwnerDeletion = true,
    };

    public override string ToString() => Kind.Kind + " " + Namespace + "/" + Name;
}

/// <param name="Owned">What it controls and its selector matches.</param>
/// <param name="Adopt">Matching orphans, to be given its controller reference.</param>
/// <param name="Release">What it controls and no longer matches, to lose its reference.</param>
public sealed record Claim<T>(IReadOnlyList<T> Owned, IReadOnlyList<T> Adopt, IReadOnlyList<T> Release);

/// <summary>
/// The decisions of upstream's ControllerRefManager, shared by every controller that owns objects by selector
/// (ReplicaSet and ReplicationController, Deployment, Job, DaemonSet, StatefulSet). Pure.
/// </summary>
public static class ClaimPlanner
{
    /// <summary>
    /// ClaimObject: an object another controller owns is left alone; one we own is kept while it matches and released
    /// when it stops; an orphan is adopted when it matches, is not being deleted and is in our namespace. A controller
    /// being deleted neither adopts nor releases, so the garbage collector finds what it owned.
    /// </summary>
    public static ClaimDecision Decide(ClaimOwner owner, V1ObjectMeta obj, bool matches)
    {
        if (PodFacts.ControllerOf(obj) is { } controller)
        {
            if (controller.Uid != owner.Uid)
            {
                return ClaimDecision.Ignore;
            }

            return matches ? ClaimDecision.Keep : owner.Deleting ? ClaimDecision.Ignore : ClaimDecision.Release;
        }

        if (owner.Deleting || !matches || obj.DeletionTimestamp is not null)
        {
            return ClaimDecision.Ignore;
        }

        return owner.Namespace.Length > 0 && owner.Namespace != (obj.NamespaceProperty ?? "") ? ClaimDecision.Ignore : ClaimDecision.Adopt;
    }

    /// <summary>Sorts <paramref name="objects"/> by <see cref="Decide"/>.</summary>
    public static Claim<T> Plan<T>(ClaimOwner owner, IEnumerable<T> objects, Func<T, V1ObjectMeta> metadata, Func<T, bool> matches)
    {
        List<T> owned = [], adopt = [], release = [];
        foreach (var obj in objects)
        {
            switch (Decide(owner, metadata(obj), matches(obj)))
            {
                case ClaimDecision.Keep:
                    owned.Add(obj);
                    break;
                case ClaimDecision.Adopt:
                    adopt.Add(obj);
                    break;
                case ClaimDecision.Release:
                    release.Add(obj);
                    break;
            }
        }

        return new Claim<T>(owned, adopt, release);
    }

    /// <summary>
    /// upstream's RecheckDeletionTimestamp over a fresh (uncached) read of the owner: why it may not adopt (gone,
    /// replaced by another object of its name, or being deleted), or null when it may. A cache can lag a deletion,
    /// and an adoption after it would leave the garbage collector an object it already passed over.
    /// </summary>
    public static string? CannotAdopt(ClaimOwner owner, V1ObjectMeta? fresh)
    {
        if (fresh is null)
        {
            return $"{owner} is gone";
        }

        if (fresh.Uid != owner.Uid)
        {
            return $"original {owner} is gone: got uid {fresh.Uid}, wanted {owner.Uid}";
        }

        return fresh.DeletionTimestamp is { } since ? $"{owner} has just been deleted at {since:O}" : null;
    }
}

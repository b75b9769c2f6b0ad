namespace Cluster.Controllers.GarbageCollection;

/// <summary>What an owner reference points at, as upstream's classifyReferences sorts them.</summary>
public enum OwnerState
{
    /// <summary>The owner exists and is not waiting for its dependents to go.</summary>
    Solid,

    /// <summary>No object with the reference's uid exists (verified against the registry, not only the cache).</summary>
    Dangling,

    /// <summary>The owner is being deleted in the foreground: it waits for its dependents.</summary>
    WaitingForDependents,
}

/// <summary>What the collector does to one object.</summary>
public abstract record GarbageAction
{
    private GarbageAction()
    {
    }

    public static GarbageAction None { get; } = new Nothing();

    public sealed record Nothing : GarbageAction;

    /// <summary>Delete the object with <paramref name="Policy"/> propagation.</summary>
    public sealed record Delete(string Policy) : GarbageAction;

    /// <summary>Drop the ownerReferences to these uids.</summary>
    public sealed record RemoveOwners(IReadOnlySet<string> Uids) : GarbageAction;

    /// <summary>Let every dependent go (drop its reference to this owner), then remove the <c>orphan</c> finalizer.</summary>
    public sealed record Orphan(IReadOnlyList<GraphNode> Dependents) : GarbageAction;

    /// <summary>Have the dependents not yet going deleted; while any blocks, keep the <c>foregroundDeletion</c> finalizer.</summary>
    public sealed record DeleteDependents(IReadOnlyList<GraphNode> ToDelete, bool Blocked) : GarbageAction;
}

/// <summary>The collector's decisions, free of I/O: given a node, its dependents and the state of its owners.</summary>
public static class GarbagePlanner
{
    public const string Background = "Background";
    public const string Foreground = "Foreground";

    /// <summary>
    /// An owner on its way out decides first (upstream: attemptToOrphan, processDeletingDependentsItem); an object
    /// already being deleted otherwise is left alone; a live one is judged by its owners (<see cref="ForDependent"/>).
    /// </summary>
    public static GarbageAction ForOwner(GraphNode node, IReadOnlyList<GraphNode> dependents)
    {
        if (node.Orphaning)
        {
            return new GarbageAction.Orphan(dependents);
        }

        if (node.DeletingDependents)
        {
            var blocked = dependents.Any(d => d.OwnerRef(node.Uid)?.BlockOwnerDeletion == true);
            return new GarbageAction.DeleteDependents([.. dependents.Where(d => !d.Deleting)], blocked);
        }

        return GarbageAction.None;
    }

    /// <summary>
    /// Upstream's attemptToDeleteItem for a live object: with an owner still solid only the references to absent or
    /// foreground-deleting owners go; with none solid the object goes, in the foreground when an owner waits on it and it
    /// has dependents of its own (so they go before it and the owner), in the background otherwise.
    /// </summary>
    /// <param name="owners">The state of each of <paramref name="node"/>'s owners, by uid.</param>
    public static GarbageAction ForDependent(GraphNode node, IReadOnlyDictionary<string, OwnerState> owners, bool hasDependents)
    {
        if (node.Deleting || node.Owners.Count == 0)
        {
            return GarbageAction.None;
        }

        var states = node.Owners.Select(o => owners.GetValueOrDefault(o.Uid, OwnerState.Solid)).ToList();
        if (states.Contains(OwnerState.Solid))
        {
            var gone = node.Owners.Where(o => owners.GetValueOrDefault(o.Uid, OwnerState.Solid) != OwnerState.Solid).Select(o => o.Uid).ToHashSet(StringComparer.Ordinal);
            return gone.Count == 0 ? GarbageAction.None : new GarbageAction.RemoveOwners(gone);
        }

        return new GarbageAction.Delete(states.Contains(OwnerState.WaitingForDependents) && hasDependents ? Foreground : Background);
    }
}

using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Ownership;

/// <summary>
/// The handlers of the objects a controller owns (upstream's addPod, updatePod, deletePod, and addHistory and the rest
/// for ControllerRevisions), shared by the replica, Job, DaemonSet and StatefulSet controllers: they enqueue the owner
/// a change concerns (by controller reference, or for an orphan every owner whose selector matches, which may adopt
/// it) and lower its expectations, when it keeps them, as its objects come and go.
/// </summary>
public sealed class DependentEvents(OwnerLookup owners, ReconcileLoop loop, UidTrackingExpectations? expectations = null) : IInformerHandler
{
    public void OnAdd(CachedObject obj)
    {
        var (owner, terminating) = PodFacts.Peek(obj);
        if (terminating)
        {
            // Already terminating when first seen (a restart): it only counts as going.
            Gone(obj, owner);
            return;
        }

        if (owner is not null)
        {
            if (owners.Resolve(obj.Namespace, owner) is { } key)
            {
                expectations?.CreationObserved(key);
                loop.Enqueue(key);
            }

            return;
        }

        // An orphan: no owner waits for it, but any that matches may adopt it.
        Enqueue(owners.Matching(obj.Namespace, obj.Labels));
    }

    public void OnUpdate(CachedObject old, CachedObject now)
    {
        if (old.ResourceVersion == now.ResourceVersion)
        {
            return; // a resync: the owners' own resync covers them
        }

        var (was, _) = PodFacts.Peek(old);
        var (@is, terminating) = PodFacts.Peek(now);
        var relabelled = !LabelsEqual(old.Labels, now.Labels);
        if (terminating)
        {
            // Graceful deletion has begun: for the owner it is gone now, not when the kubelet is done. Relabelled on
            // the way, the owner of its old labels is told too.
            Gone(now, @is);
            if (relabelled)
            {
                Gone(old, was);
            }

            return;
        }

        var ownerChanged = was?.Uid != @is?.Uid || was?.Kind != @is?.Kind || was?.Name != @is?.Name;
        if (ownerChanged && owners.Resolve(old.Namespace, was) is { } previous)
        {
            loop.Enqueue(previous);
        }

        if (@is is not null)
        {
            if (owners.Resolve(now.Namespace, @is) is { } key)
            {
                loop.Enqueue(key);
            }

            return;
        }

        if (relabelled || ownerChanged)
        {
            Enqueue(owners.Matching(now.Namespace, old.Labels, now.Labels));
        }
    }

    public void OnDelete(CachedObject last) => Gone(last, PodFacts.Peek(last).Controller);

    /// <summary>An object going: its owner no longer waits for it, and syncs. Orphans concern no owner.</summary>
    private void Gone(CachedObject obj, V1OwnerReference? owner)
    {
        if (owners.Resolve(obj.Namespace, owner) is { } key)
        {
            expectations?.DeletionObserved(key, obj.Key);
            loop.Enqueue(key);
        }
    }

    private void Enqueue(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            loop.Enqueue(key);
        }
    }

    private static bool LabelsEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
}

/// <summary>
/// The handlers of the owners themselves: every change syncs the owner; one deleted, or deleted and made again between
/// two events, leaves nothing pending in its expectations.
/// </summary>
public sealed class OwnerEvents(ReconcileLoop loop, UidTrackingExpectations? expectations = null) : IInformerHandler
{
    public void OnAdd(CachedObject obj) => loop.Enqueue(obj.Key);

    public void OnUpdate(CachedObject old, CachedObject now)
    {
        if (old.Uid != now.Uid)
        {
            expectations?.Delete(old.Key);
        }

        loop.Enqueue(now.Key);
    }

    public void OnDelete(CachedObject last)
    {
        expectations?.Delete(last.Key);
        loop.Enqueue(last.Key);
    }
}

using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;

namespace Cluster.Controllers.GarbageCollection;

/// <summary>
/// One kind's informer feeding the ownership graph (upstream's GraphBuilder.processGraphChanges): the graph follows
/// every change before any key is enqueued, so a reconcile never sees a key whose change the graph lacks. It enqueues
/// the object itself, the owners on their way out that it names (they wait on, or let go of, it), and on a delete its
/// dependents (their owner may now be absent). As upstream's, it acts only on what the collector reasons about
/// (ownerReferences, the deletion and its finalizers): a change to anything else (a status write) enqueues nothing.
/// </summary>
internal sealed class GraphHandler(ResourceKind kind, OwnershipGraph graph, Action<string> enqueue) : IInformerHandler
{
    public void OnAdd(CachedObject obj) => Changed(obj);

    public void OnUpdate(CachedObject old, CachedObject now)
    {
        if (ReferenceEquals(old, now) || old.ResourceVersion == now.ResourceVersion)
        {
            // A resync: the graph has this version; only look at the object again.
            if (now.Uid is { Length: > 0 } uid)
            {
                enqueue(uid);
            }

            return;
        }

        Changed(now);
    }

    public void OnDelete(CachedObject last)
    {
        if (last.Uid is not { Length: > 0 } uid || graph.Remove(uid) is not { } gone)
        {
            return;
        }

        foreach (var owner in gone.Owners)
        {
            enqueue(owner.Uid);
        }

        foreach (var dependent in graph.Dependents(uid))
        {
            enqueue(dependent.Uid);
        }
    }

    private void Changed(CachedObject obj)
    {
        if (GraphNode.From(kind, obj) is not { } node)
        {
            return;
        }

        var previous = graph.Get(node.Uid);
        if (previous is not null && previous.SameAs(node))
        {
            return;
        }

        graph.Upsert(node);
        enqueue(node.Uid);
        foreach (var owner in (previous?.Owners ?? []).Concat(node.Owners))
        {
            if (graph.Get(owner.Uid) is { Deleting: true })
            {
                enqueue(owner.Uid);
            }
        }
    }
}

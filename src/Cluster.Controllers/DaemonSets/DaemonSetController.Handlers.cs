using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.DaemonSets;

/// <summary>
/// The informer handlers: they only enqueue DaemonSet keys, and lower the expectations of the set a pod's coming or
/// going concerns (the shared <see cref="DependentEvents"/>, orphans included). A node's change concerns every
/// DaemonSet (whether it should run there may have changed).
/// </summary>
public sealed partial class DaemonSetController
{
    public void Watch(ReconcileLoop loop)
    {
        _owners.Watch(loop, _pods, Expectations);
        _nodes.AddHandler(new EnqueueHandler(loop, (old, now) => NodeChanged(old, now) ? _sets.List().Select(s => s.Key) : []));
        _history.Informer.AddHandler(new DependentEvents(_owners, loop));
    }

    /// <summary>A node's labels, taints or readiness decide its daemon pods; its heartbeats do not.</summary>
    private bool NodeChanged(CachedObject? old, CachedObject? now)
    {
        if (old is null || now is null)
        {
            return true;
        }

        var (a, b) = (_parsedNodes.GetValue(old, CachedObjectJson.As<V1Node>), _parsedNodes.GetValue(now, CachedObjectJson.As<V1Node>));
        return !old.Labels.OrderBy(p => p.Key).SequenceEqual(now.Labels.OrderBy(p => p.Key))
            || !SameTaints(a.Spec?.Taints, b.Spec?.Taints);
    }

    // Compared field by field: serializing a node without taints (null) threw and broke the node informer's watch.
    private static bool SameTaints(IList<V1Taint>? a, IList<V1Taint>? b) =>
        (a ?? []).Select(t => (t.Key, t.Value, t.Effect)).SequenceEqual((b ?? []).Select(t => (t.Key, t.Value, t.Effect)));
}

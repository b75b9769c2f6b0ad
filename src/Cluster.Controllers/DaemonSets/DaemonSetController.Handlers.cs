using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.DaemonSets;

/// <summary>
/// The informer handlers: they only enqueue DaemonSet keys, and lower the expectations of the set a pod's coming or
/// going concerns. A node's change concerns every DaemonSet (whether it should run there may have changed).
/// </summary>
public sealed partial class DaemonSetController
{
    public void Watch(ReconcileLoop loop)
    {
        _sets.AddHandler(new EnqueueHandler(loop, (old, now) =>
        {
            if (now is null || (old is not null && old.Uid != now.Uid))
            {
                Expectations.Delete(old!.Key);
            }

            return [(now ?? old)!.Key];
        }));
        _pods.AddHandler(new PodEvents(this, loop));
        _nodes.AddHandler(new EnqueueHandler(loop, (old, now) => NodeChanged(old, now) ? _sets.List().Select(s => s.Key) : []));
        _history.Informer.AddHandler(new EnqueueHandler(loop, (old, now) => Owner((now ?? old)!, PodFacts.Peek((now ?? old)!).Controller) is { } key ? [key] : []));
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
            || k8s.KubernetesJson.Serialize(a.Spec?.Taints) != k8s.KubernetesJson.Serialize(b.Spec?.Taints);
    }

    /// <summary>The key of the DaemonSet <paramref name="owner"/> names, when the informer has it with that uid.</summary>
    private string? Owner(CachedObject obj, V1OwnerReference? owner) =>
        owner is { Kind: "DaemonSet" } && _sets.Get(obj.Namespace, owner.Name) is { } cached && cached.Uid == owner.Uid ? cached.Key : null;

    private sealed class PodEvents(DaemonSetController controller, ReconcileLoop loop) : IInformerHandler
    {
        public void OnAdd(CachedObject obj)
        {
            var (owner, terminating) = PodFacts.Peek(obj);
            if (controller.Owner(obj, owner) is not { } key)
            {
                return;
            }

            if (terminating)
            {
                controller.Expectations.DeletionObserved(key, obj.Key);
            }
            else
            {
                controller.Expectations.CreationObserved(key);
            }

            loop.Enqueue(key);
        }

        public void OnUpdate(CachedObject old, CachedObject now)
        {
            if (old.ResourceVersion == now.ResourceVersion)
            {
                return;
            }

            var (owner, terminating) = PodFacts.Peek(now);
            if (controller.Owner(now, owner) is { } key)
            {
                if (terminating)
                {
                    controller.Expectations.DeletionObserved(key, now.Key);
                }

                loop.Enqueue(key);
            }
        }

        public void OnDelete(CachedObject last)
        {
            if (controller.Owner(last, PodFacts.Peek(last).Controller) is { } key)
            {
                controller.Expectations.DeletionObserved(key, last.Key);
                loop.Enqueue(key);
            }
        }
    }
}

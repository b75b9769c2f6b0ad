using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>
/// The informer handlers (upstream's addPod, updatePod, deletePod and the ReplicaSet handlers): they only enqueue
/// keys, and lower the expectations of the set a pod's coming or going concerns.
/// </summary>
public sealed partial class ReplicaSetController
{
    /// <summary>Has the informers' events enqueue set keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _sets.AddHandler(new SetEvents(this, loop));
        _pods.AddHandler(new PodEvents(this, loop));
    }

    /// <summary>The key of the set <paramref name="owner"/> names, when it is a set of this kind the informer has (same uid).</summary>
    private string? Resolve(string ns, V1OwnerReference? owner) =>
        owner is not null && owner.Kind == _kind.Kind.Kind && _sets.Get(ns, owner.Name) is { } cached && cached.Uid == owner.Uid ? cached.Key : null;

    /// <summary>The sets of the namespace whose (non-empty) selector matches any of <paramref name="labels"/>: those an orphan may be adopted by.</summary>
    private IEnumerable<string> Matching(string ns, params IReadOnlyDictionary<string, string>[] labels) =>
        _sets.ByIndex(Indexers.Namespace, ns)
            .Where(s => View(s).Selector is { IsEverything: false } selector && labels.Any(selector.Matches))
            .Select(s => s.Key);

    private sealed class SetEvents(ReplicaSetController controller, ReconcileLoop loop) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => loop.Enqueue(obj.Key);

        public void OnUpdate(CachedObject old, CachedObject now)
        {
            if (old.Uid != now.Uid)
            {
                controller.Expectations.Delete(old.Key); // deleted and made again between two events: nothing pending carries over
            }

            loop.Enqueue(now.Key);
        }

        public void OnDelete(CachedObject last)
        {
            controller.Expectations.Delete(last.Key);
            loop.Enqueue(last.Key);
        }
    }

    private sealed class PodEvents(ReplicaSetController controller, ReconcileLoop loop) : IInformerHandler
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
                if (controller.Resolve(obj.Namespace, owner) is { } key)
                {
                    controller.Expectations.CreationObserved(key);
                    loop.Enqueue(key);
                }

                return;
            }

            Enqueue(controller.Matching(obj.Namespace, obj.Labels));
        }

        public void OnUpdate(CachedObject old, CachedObject now)
        {
            if (old.ResourceVersion == now.ResourceVersion)
            {
                return; // a resync: the sets' own resync covers them
            }

            var (was, _) = PodFacts.Peek(old);
            var (@is, terminating) = PodFacts.Peek(now);
            var relabelled = !LabelsEqual(old.Labels, now.Labels);
            if (terminating)
            {
                // Graceful deletion has begun: for the set it is gone now, not when the kubelet is done. Relabelled on
                // the way, the set of its old labels is told too.
                Gone(now, @is);
                if (relabelled)
                {
                    Gone(old, was);
                }

                return;
            }

            var ownerChanged = was?.Uid != @is?.Uid || was?.Kind != @is?.Kind || was?.Name != @is?.Name;
            if (ownerChanged && controller.Resolve(old.Namespace, was) is { } previous)
            {
                loop.Enqueue(previous);
            }

            if (@is is not null)
            {
                if (controller.Resolve(now.Namespace, @is) is { } key)
                {
                    loop.Enqueue(key);
                }

                return;
            }

            if (relabelled || ownerChanged)
            {
                Enqueue(controller.Matching(now.Namespace, old.Labels, now.Labels));
            }
        }

        public void OnDelete(CachedObject last) => Gone(last, PodFacts.Peek(last).Controller);

        /// <summary>A pod going: its set no longer waits for it, and syncs. Orphans concern no set.</summary>
        private void Gone(CachedObject pod, V1OwnerReference? owner)
        {
            if (controller.Resolve(pod.Namespace, owner) is { } key)
            {
                controller.Expectations.DeletionObserved(key, pod.Key);
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
}

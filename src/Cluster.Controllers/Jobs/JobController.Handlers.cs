using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>
/// The informer handlers (upstream's addPod, updatePod, deletePod and the Job handlers): they only enqueue job keys,
/// and lower the expectations of the job a pod's coming or going concerns.
/// </summary>
public sealed partial class JobController
{
    /// <summary>Has the informers' events enqueue job keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _jobs.AddHandler(new JobEvents(this, loop));
        _pods.AddHandler(new PodEvents(this, loop));
    }

    /// <summary>The key of the job <paramref name="owner"/> names, when the informer has it (same uid).</summary>
    private string? Resolve(string ns, V1OwnerReference? owner) =>
        owner is { Kind: "Job" } && _jobs.Get(ns, owner.Name) is { } cached && cached.Uid == owner.Uid ? cached.Key : null;

    private sealed class JobEvents(JobController controller, ReconcileLoop loop) : IInformerHandler
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

    /// <summary>Every change of a job's pod concerns it: a phase change is a success or a failure to count.</summary>
    private sealed class PodEvents(JobController controller, ReconcileLoop loop) : IInformerHandler
    {
        public void OnAdd(CachedObject obj)
        {
            var (owner, terminating) = PodFacts.Peek(obj);
            if (controller.Resolve(obj.Namespace, owner) is not { } key)
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
                return; // a resync: the jobs' own resync covers them
            }

            var (was, _) = PodFacts.Peek(old);
            var (@is, terminating) = PodFacts.Peek(now);
            if (controller.Resolve(now.Namespace, @is) is { } key)
            {
                if (terminating)
                {
                    controller.Expectations.DeletionObserved(key, now.Key);
                }

                loop.Enqueue(key);
            }

            if (was?.Uid != @is?.Uid && controller.Resolve(old.Namespace, was) is { } previous)
            {
                loop.Enqueue(previous);
            }
        }

        public void OnDelete(CachedObject last)
        {
            if (controller.Resolve(last.Namespace, PodFacts.Peek(last).Controller) is { } key)
            {
                controller.Expectations.DeletionObserved(key, last.Key);
                loop.Enqueue(key);
            }
        }
    }
}

using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;

namespace Cluster.Controllers.CronJobs;

/// <summary>The informer handlers: a CronJob's changes and those of the Jobs it controls enqueue its key.</summary>
public sealed partial class CronJobController
{
    /// <summary>Has the informers' events enqueue CronJob keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _cronJobs.AddHandler(new EnqueueHandler(loop, (old, now) => [(now ?? old)!.Key]));
        _jobs.AddHandler(new JobEvents(this, loop));
    }

    private sealed class JobEvents(CronJobController controller, ReconcileLoop loop) : IInformerHandler
    {
        public void OnAdd(CachedObject obj)
        {
            controller._unseen.TryRemove(obj.Uid ?? "", out _);
            Enqueue(obj);
        }

        public void OnUpdate(CachedObject old, CachedObject now)
        {
            if (old.ResourceVersion != now.ResourceVersion)
            {
                Enqueue(now);
            }
        }

        public void OnDelete(CachedObject last)
        {
            controller._unseen.TryRemove(last.Uid ?? "", out _);
            Enqueue(last);
        }

        private void Enqueue(CachedObject job)
        {
            if (PodFacts.Peek(job).Controller is { Kind: "CronJob" } owner && controller._cronJobs.Get(job.Namespace, owner.Name) is { } cj && cj.Uid == owner.Uid)
            {
                loop.Enqueue(cj.Key);
            }
        }
    }
}

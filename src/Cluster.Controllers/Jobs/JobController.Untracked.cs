using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>
/// Pods holding the tracking finalizer that no job will count (upstream's orphan pod handling): their job is gone,
/// another incarnation of its name, or they were orphaned (a delete with propagation Orphan). Their finalizer goes,
/// or a delete would wait for it forever.
/// </summary>
public sealed partial class JobController
{
    /// <summary>Keys of single pods on the job queue: <c>pod:&lt;namespace&gt;/&lt;name&gt;</c>.</summary>
    private const string PodKeyPrefix = "pod:";

    private static readonly byte[] FinalizerBytes = System.Text.Encoding.UTF8.GetBytes(JobTracking.Finalizer);

    private async Task ReleaseIfNoJobCountsAsync(string podKey, CancellationToken ct)
    {
        var slash = podKey.IndexOf('/', StringComparison.Ordinal);
        if (_pods.Get(podKey[..slash], podKey[(slash + 1)..]) is { } cached && Parsed(cached) is var pod && JobTracking.Tracked(pod) && !CountedByAJob(pod))
        {
            await ReleaseAsync([pod], ct).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a live job (the one its controller reference names, same uid, not being deleted) counts the pod.</summary>
    private bool CountedByAJob(V1Pod pod) =>
        PodFacts.ControllerOf(pod.Metadata) is { Kind: "Job" } controller
        && _jobs.Get(pod.Metadata.NamespaceProperty, controller.Name) is { } job
        && job.Uid == controller.Uid
        && job.As<V1Job>().Metadata.DeletionTimestamp is null;

    /// <summary>Enqueues a pod with the tracking finalizer that no live job counts; the bytes are looked at first, as most pods are no job's.</summary>
    private sealed class UntrackedPodEvents(JobController controller, ReconcileLoop loop) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => Check(obj);

        public void OnUpdate(CachedObject old, CachedObject now) => Check(now);

        public void OnDelete(CachedObject last)
        {
        }

        private void Check(CachedObject obj)
        {
            if (obj.Json.AsSpan().IndexOf(FinalizerBytes) >= 0 && controller.Parsed(obj) is var pod && JobTracking.Tracked(pod) && !controller.CountedByAJob(pod))
            {
                loop.Enqueue(PodKeyPrefix + obj.Key);
            }
        }
    }
}

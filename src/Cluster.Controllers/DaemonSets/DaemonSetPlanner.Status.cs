using Cluster.Controllers.ReplicaSets;
using k8s.Models;

namespace Cluster.Controllers.DaemonSets;

public static partial class DaemonSetPlanner
{
    /// <summary>
    /// Upstream's updateDaemonSetStatus: over the nodes that should run the pod, how many have one, and of each node's
    /// oldest pod whether it is ready, available and up to date; a daemon pod on any other node is misscheduled.
    /// Finished pods being deleted do not count.
    /// </summary>
    public static V1DaemonSetStatus Status(V1DaemonSet ds, IReadOnlyList<DaemonNode> nodes, string hash, int? collisionCount, DateTimeOffset now)
    {
        int desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        var generation = DaemonPods.TemplateGeneration(ds);
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        foreach (var node in nodes)
        {
            var pods = ByCreation(node.Pods.Where(p => !(Finished(p) && p.Metadata.DeletionTimestamp is not null)));
            if (!node.ShouldRun)
            {
                misscheduled += pods.Count > 0 ? 1 : 0;
                continue;
            }

            desired++;
            if (pods.Count == 0)
            {
                continue;
            }

            current++;
            var pod = pods[0];
            if (PodFacts.IsReady(pod))
            {
                ready++;
                available += PodFacts.IsAvailable(pod, minReady, now) ? 1 : 0;
            }

            updated += DaemonPods.IsUpdated(pod, hash, generation) ? 1 : 0;
        }

        return new V1DaemonSetStatus
        {
            ObservedGeneration = ds.Metadata.Generation,
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = current,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            NumberAvailable = available,
            NumberUnavailable = desired - available,
            UpdatedNumberScheduled = updated,
            CollisionCount = collisionCount,
            Conditions = ds.Status?.Conditions,
        };
    }

    /// <summary>Upstream requeues after minReadySeconds while a ready pod is not yet available.</summary>
    public static TimeSpan? RequeueAfter(V1DaemonSet ds, V1DaemonSetStatus status) =>
        ds.Spec.MinReadySeconds is > 0 and var seconds && status.NumberReady != status.NumberAvailable ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>Whether the status says something the stored one does not.</summary>
    public static bool Differs(V1DaemonSetStatus? stored, V1DaemonSetStatus status) =>
        stored is null
        || stored.ObservedGeneration != status.ObservedGeneration
        || stored.DesiredNumberScheduled != status.DesiredNumberScheduled
        || stored.CurrentNumberScheduled != status.CurrentNumberScheduled
        || stored.NumberMisscheduled != status.NumberMisscheduled
        || stored.NumberReady != status.NumberReady
        || (stored.NumberAvailable ?? 0) != status.NumberAvailable
        || (stored.NumberUnavailable ?? 0) != status.NumberUnavailable
        || (stored.UpdatedNumberScheduled ?? 0) != status.UpdatedNumberScheduled
        || stored.CollisionCount != status.CollisionCount;
}

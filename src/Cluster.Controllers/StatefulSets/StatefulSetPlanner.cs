using k8s.Models;

namespace Cluster.Controllers.StatefulSets;

/// <summary>One write of a StatefulSet sync, carried out in order; a failure stops the rest.</summary>
public abstract record StatefulStep;

/// <summary>Makes the pod's missing claims, then the pod.</summary>
public sealed record CreateStatefulPod(V1Pod Pod, IReadOnlyList<V1PersistentVolumeClaim> Claims) : StatefulStep;

/// <summary>Makes the missing claims of a pod already there (upstream's createMissingPersistentVolumeClaims).</summary>
public sealed record CreateMissingClaims(string Pod, IReadOnlyList<V1PersistentVolumeClaim> Claims) : StatefulStep;

public sealed record DeleteStatefulPod(V1Pod Pod, string Reason) : StatefulStep;

/// <param name="Template">The pod template the revision holds.</param>
public sealed record RevisionTemplate(string Name, V1PodTemplateSpec Template);

/// <summary>What a sync writes, and the status it leaves (counted as if every write succeeds, as upstream does).</summary>
public sealed record StatefulPlan(IReadOnlyList<StatefulStep> Steps, V1StatefulSetStatus Status);

/// <summary>
/// Upstream's updateStatefulSet without its writes: pods named by ordinal, made in order (OrderedReady: each waits for
/// the one before to be Running and Ready; Parallel: all at once), their claims made first, finished pods replaced,
/// pods beyond the replica count deleted highest ordinal first, and a rolling update that deletes the highest pod not
/// on the update revision down to the partition, one at a time, each waiting for the ones above to be healthy again.
/// <code>
///   replicas in ordinal order: missing ─▶ create (OrderedReady: stop) ; finished ─▶ delete (stop) ; not healthy ─▶ OrderedReady: stop
///   then condemned, highest first: delete (OrderedReady: one, once all others are healthy)
///   then RollingUpdate, highest first down to the partition: first pod off the update revision ─▶ delete, stop ; unhealthy ─▶ stop
/// </code>
/// Pure.
/// </summary>
public static class StatefulSetPlanner
{
    /// <param name="pods">The set's pods (members it controls), terminating ones too.</param>
    /// <param name="claims">The names of the claims that exist in the namespace.</param>
    public static StatefulPlan Plan(V1StatefulSet set, RevisionTemplate current, RevisionTemplate update, int? collisionCount, IReadOnlyList<V1Pod> pods, ISet<string> claims, DateTimeOffset now)
    {
        var status = CountStatus(set, current.Name, update.Name, collisionCount, pods, now);
        var steps = new List<StatefulStep>();
        if (set.Metadata.DeletionTimestamp is null)
        {
            Act(set, current, update, pods, claims, status, steps, now);
        }

        CompleteRollingUpdate(set, status);
        return new StatefulPlan(steps, status);
    }

    private static void Act(V1StatefulSet set, RevisionTemplate current, RevisionTemplate update, IReadOnlyList<V1Pod> pods, ISet<string> claims, V1StatefulSetStatus status, List<StatefulStep> steps, DateTimeOffset now)
    {
        var start = StatefulPods.StartOrdinal(set);
        var count = set.Spec.Replicas ?? 1;
        var replicas = new V1Pod?[count];
        var condemned = new List<V1Pod>();
        foreach (var pod in pods)
        {
            var ordinal = StatefulPods.Ordinal(pod);
            if (ordinal >= start && ordinal < start + count)
            {
                replicas[ordinal - start] = pod;
            }
            else if (ordinal >= 0)
            {
                condemned.Add(pod);
            }
        }

        condemned.Sort((a, b) => StatefulPods.Ordinal(b).CompareTo(StatefulPods.Ordinal(a)));
        var firstUnhealthy = replicas.FirstOrDefault(p => p is null || !StatefulPods.IsHealthy(p)) ?? condemned.AsEnumerable().Reverse().FirstOrDefault(p => !StatefulPods.IsHealthy(p));
        var monotonic = set.Spec.PodManagementPolicy != "Parallel";
        var minReady = set.Spec.MinReadySeconds ?? 0;

        for (var i = 0; i < count; i++)
        {
            var pod = replicas[i];
            var ordinal = start + i;
            if (pod is null)
            {
                var made = NewVersionedPod(set, current, update, ordinal, status);
                steps.Add(new CreateStatefulPod(made, Missing(set, ordinal, claims)));
                status.Replicas++;
                status.CurrentReplicas += StatefulPods.Revision(made) == current.Name ? 1 : 0;
                status.UpdatedReplicas += StatefulPods.Revision(made) == update.Name ? 1 : 0;
                if (monotonic)
                {
                    return;
                }

                continue;
            }

            if (StatefulPods.IsFinished(pod) && !StatefulPods.IsTerminating(pod))
            {
                // Made again once it is gone: the name is its identity, so the two cannot overlap.
                steps.Add(new DeleteStatefulPod(pod, "finished"));
                if (monotonic)
                {
                    return;
                }

                continue;
            }

            if (!StatefulPods.IsTerminating(pod) && Missing(set, ordinal, claims) is { Count: > 0 } missing)
            {
                steps.Add(new CreateMissingClaims(pod.Metadata.Name, missing));
            }

            if (monotonic && (StatefulPods.IsTerminating(pod) || !StatefulPods.IsRunningAndReady(pod) || !StatefulPods.IsRunningAndAvailable(pod, minReady, now)))
            {
                return;
            }
        }

        foreach (var pod in condemned)
        {
            if (StatefulPods.IsTerminating(pod))
            {
                if (monotonic)
                {
                    return;
                }

                continue;
            }

            if (monotonic && !ReferenceEquals(pod, firstUnhealthy) && !StatefulPods.IsRunningAndAvailable(pod, minReady, now))
            {
                return;
            }

            steps.Add(new DeleteStatefulPod(pod, "scale down"));
            status.CurrentReplicas -= StatefulPods.Revision(pod) == current.Name ? 1 : 0;
            status.UpdatedReplicas -= StatefulPods.Revision(pod) == update.Name ? 1 : 0;
            if (monotonic)
            {
                return;
            }
        }

        if (set.Spec.UpdateStrategy?.Type == "OnDelete")
        {
            return; // pods are updated when someone deletes them
        }

        var updateMin = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
        for (var target = count - 1; target >= updateMin; target--)
        {
            if (replicas[target] is not { } pod)
            {
                return; // being made this sync (Parallel): not healthy yet
            }

            if (StatefulPods.Revision(pod) != update.Name && !StatefulPods.IsTerminating(pod))
            {
                steps.Add(new DeleteStatefulPod(pod, "update"));
                status.CurrentReplicas--;
                return;
            }

            if (!StatefulPods.IsHealthy(pod))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Upstream's newVersionedStatefulSetPod: below the partition (or, without rollingUpdate, among the current
    /// replicas) a pod is made from the current revision, above it from the update revision.
    /// </summary>
    private static V1Pod NewVersionedPod(V1StatefulSet set, RevisionTemplate current, RevisionTemplate update, int ordinal, V1StatefulSetStatus status)
    {
        var start = StatefulPods.StartOrdinal(set);
        var strategy = set.Spec.UpdateStrategy;
        var rolling = strategy?.Type is null or "RollingUpdate";
        var old = rolling && (strategy?.RollingUpdate is null
            ? ordinal < start + (set.Status?.CurrentReplicas ?? 0)
            : ordinal < start + (strategy.RollingUpdate.Partition ?? 0));
        var revision = old ? current : update;
        return StatefulPods.PodFor(set, revision.Template, ordinal, revision.Name);
    }

    private static List<V1PersistentVolumeClaim> Missing(V1StatefulSet set, int ordinal, ISet<string> claims) =>
        [.. StatefulPods.Claims(set, ordinal).Values.Where(c => !claims.Contains(c.Metadata.Name))];

    /// <summary>The counts over every pod of the set as it is (upstream's status computation at the start of a sync).</summary>
    private static V1StatefulSetStatus CountStatus(V1StatefulSet set, string current, string update, int? collisionCount, IReadOnlyList<V1Pod> pods, DateTimeOffset now)
    {
        var status = new V1StatefulSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            CurrentRevision = current,
            UpdateRevision = update,
            CollisionCount = collisionCount,
            Replicas = 0,
            ReadyReplicas = 0,
            AvailableReplicas = 0,
            CurrentReplicas = 0,
            UpdatedReplicas = 0,
            Conditions = set.Status?.Conditions,
        };
        foreach (var pod in pods)
        {
            status.Replicas++;
            if (StatefulPods.IsRunningAndReady(pod))
            {
                status.ReadyReplicas++;
                status.AvailableReplicas += StatefulPods.IsRunningAndAvailable(pod, set.Spec.MinReadySeconds ?? 0, now) ? 1 : 0;
            }

            if (!StatefulPods.IsTerminating(pod))
            {
                status.CurrentReplicas += StatefulPods.Revision(pod) == current ? 1 : 0;
                status.UpdatedReplicas += StatefulPods.Revision(pod) == update ? 1 : 0;
            }
        }

        return status;
    }

    /// <summary>Upstream's completeRollingUpdate: every replica updated and ready makes the update revision current.</summary>
    private static void CompleteRollingUpdate(V1StatefulSet set, V1StatefulSetStatus status)
    {
        if (set.Spec.UpdateStrategy?.Type is null or "RollingUpdate" && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas)
        {
            status.CurrentReplicas = status.UpdatedReplicas;
            status.CurrentRevision = status.UpdateRevision;
        }
    }

    /// <summary>Upstream requeues after minReadySeconds while a ready pod is not yet available.</summary>
    public static TimeSpan? RequeueAfter(V1StatefulSet set, V1StatefulSetStatus status) =>
        set.Spec.MinReadySeconds is > 0 and var seconds && status.ReadyReplicas != status.AvailableReplicas ? TimeSpan.FromSeconds(seconds) : null;
}

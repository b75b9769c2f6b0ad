using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>
/// A replica set's status from the pods it owns (upstream's calculateStatus): replicas, those carrying every label of
/// the template, the ready ones and the ready ones that have been so for minReadySeconds; the ReplicaFailure condition
/// set when creating or deleting failed and removed once a sync manages without failure. Pure: the time is given.
/// </summary>
public static class ReplicaStatusPlanner
{
    public const string ReplicaFailure = "ReplicaFailure";

    /// <param name="owned">Its active pods.</param>
    /// <param name="failure">What the last create or delete failed with (null: none failed).</param>
    public static V1ReplicaSetStatus Calculate(ReplicaSetView set, IReadOnlyList<V1Pod> owned, Exception? failure, DateTimeOffset now)
    {
        var templateLabels = LabelSelector.FromMap(PodFacts.Labels(set.Template.Metadata));
        var fullyLabeled = owned.Count(p => templateLabels.Matches(PodFacts.Labels(p.Metadata)));
        var ready = owned.Count(PodFacts.IsReady);
        var available = owned.Count(p => PodFacts.IsAvailable(p, set.MinReadySeconds, now));

        var conditions = (set.Status.Conditions ?? []).ToList();
        var failed = conditions.FirstOrDefault(c => c.Type == ReplicaFailure);
        if (failure is not null && failed is null)
        {
            var diff = owned.Count - set.Replicas;
            conditions.Add(new V1ReplicaSetCondition
            {
                Type = ReplicaFailure,
                Status = "True",
                Reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "",
                Message = failure.Message,
                LastTransitionTime = now.UtcDateTime,
            });
        }
        else if (failure is null && failed is not null)
        {
            conditions.Remove(failed);
        }

        // The counts but replicas are omitted when zero, as upstream's omitempty fields.
        return new V1ReplicaSetStatus
        {
            Replicas = owned.Count,
            FullyLabeledReplicas = NullIfZero(fullyLabeled),
            ReadyReplicas = NullIfZero(ready),
            AvailableReplicas = NullIfZero(available),
            ObservedGeneration = set.Generation,
            Conditions = conditions.Count > 0 ? conditions : null,
        };
    }

    /// <summary>Whether <paramref name="status"/> says something the stored status does not (upstream's updateReplicaSetStatus short cut).</summary>
    public static bool Differs(V1ReplicaSetStatus stored, V1ReplicaSetStatus status) =>
        KubernetesJson.Serialize(Normalized(stored)) != KubernetesJson.Serialize(Normalized(status));

    /// <summary>
    /// How long until the next ready pod becomes available (null: none is waiting), so the set is synced again then:
    /// nothing about the pod changes at that moment, so no event would.
    /// </summary>
    public static TimeSpan? NextAvailableIn(ReplicaSetView set, IEnumerable<V1Pod> owned, DateTimeOffset now)
    {
        if (set.MinReadySeconds == 0)
        {
            return null;
        }

        var waits = owned.Where(p => !PodFacts.IsAvailable(p, set.MinReadySeconds, now))
            .Select(PodFacts.ReadySince)
            .OfType<DateTimeOffset>()
            .Select(since => since.AddSeconds(set.MinReadySeconds) - now)
            .ToList();

        // Availability needs the minimum passed strictly; a moment after it is the first time it shows.
        return waits.Count > 0 ? TimeSpan.FromTicks(Math.Max(waits.Min().Ticks, 0)) + TimeSpan.FromMilliseconds(1) : null;
    }

    private static V1ReplicaSetStatus Normalized(V1ReplicaSetStatus s) => new()
    {
        Replicas = s.Replicas,
        FullyLabeledReplicas = NullIfZero(s.FullyLabeledReplicas ?? 0),
        ReadyReplicas = NullIfZero(s.ReadyReplicas ?? 0),
        AvailableReplicas = NullIfZero(s.AvailableReplicas ?? 0),
        ObservedGeneration = s.ObservedGeneration,
        Conditions = s.Conditions is { Count: > 0 } c ? c : null,
    };

    private static int? NullIfZero(int count) => count == 0 ? null : count;
}

using k8s;
using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>The deployment's status and conditions (upstream's calculateStatus, syncRolloutStatus, checkPausedConditions).</summary>
public sealed partial class DeploymentPlanner
{
    /// <summary>
    /// The status a failed create of the new ReplicaSet leaves (upstream's ReplicaSetCreateError): Progressing false
    /// with the error; null when the deployment has no progress deadline.
    /// </summary>
    public static V1DeploymentStatus? CreateFailedStatus(V1Deployment deployment, string replicaSet, string error, DateTimeOffset now)
    {
        if (!DeploymentConditions.HasProgressDeadline(deployment))
        {
            return null;
        }

        var planner = new DeploymentPlanner(deployment, [], [], now);
        DeploymentConditions.Set(planner._d.Status, planner.Condition(DeploymentConditions.Progressing, "False", DeploymentConditions.FailedRSCreateReason, CreateFailedMessage(replicaSet, error)));
        return planner._d.Status;
    }

    public static string CreateFailedMessage(string replicaSet, string error) => $"Failed to create new replica set \"{replicaSet}\": {error}";

    /// <summary>
    /// Pausing and resuming set Progressing to Unknown, so the time spent paused never counts against the deadline;
    /// a deployment already past its deadline keeps saying so.
    /// </summary>
    private void CheckPausedConditions()
    {
        if (!DeploymentConditions.HasProgressDeadline(_d))
        {
            return;
        }

        var current = DeploymentConditions.Get(_d.Status, DeploymentConditions.Progressing);
        if (current?.Reason == DeploymentConditions.TimedOutReason)
        {
            return;
        }

        var pausedSet = current?.Reason == DeploymentConditions.PausedReason;
        if (_d.Spec.Paused == true && !pausedSet)
        {
            DeploymentConditions.Set(_d.Status, Condition(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.PausedReason, "Deployment is paused"));
        }
        else if (_d.Spec.Paused != true && pausedSet)
        {
            DeploymentConditions.Set(_d.Status, Condition(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.ResumedReason, "Deployment is resumed"));
        }
    }

    /// <summary>Counts from the ReplicaSets' status (their controller's), and Available by replicas - maxUnavailable.</summary>
    private V1DeploymentStatus CalculateStatus(IReadOnlyList<V1ReplicaSet?> all, V1ReplicaSet? newRS)
    {
        var available = ReplicaSetMath.AvailableSum(all);
        var unavailable = Math.Max(0, ReplicaSetMath.SpecSum(all) - available);
        var status = new V1DeploymentStatus
        {
            // Go's omitempty: zero counts are left out, as upstream's status prints.
            ObservedGeneration = _d.Metadata.Generation is > 0 ? _d.Metadata.Generation : null,
            Replicas = NonZero(ReplicaSetMath.ActualSum(all)),
            UpdatedReplicas = NonZero(newRS is null ? 0 : ReplicaSetMath.Actual(newRS)),
            ReadyReplicas = NonZero(ReplicaSetMath.ReadySum(all)),
            AvailableReplicas = NonZero(available),
            UnavailableReplicas = NonZero(unavailable),
            CollisionCount = _d.Status.CollisionCount,
            Conditions = _d.Status.Conditions is { Count: > 0 } conditions ? [.. conditions.Select(c => Clone(c))] : null,
        };
        if (available >= Fenceposts.Replicas(_d) - Fenceposts.MaxUnavailable(_d))
        {
            DeploymentConditions.Set(status, Condition(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability."));
        }
        else
        {
            DeploymentConditions.Set(status, Condition(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability."));
        }

        return status;
    }

    /// <summary>The status after a rollout step, with Progressing estimated against the deadline.</summary>
    private void SyncRolloutStatus(IReadOnlyList<V1ReplicaSet?> all, V1ReplicaSet? newRS)
    {
        var status = CalculateStatus(all, newRS);
        var hasDeadline = DeploymentConditions.HasProgressDeadline(_d);
        if (!hasDeadline)
        {
            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
        }

        var current = DeploymentConditions.Get(_d.Status, DeploymentConditions.Progressing);
        var completeBefore = status.Replicas == status.UpdatedReplicas && current?.Reason == DeploymentConditions.NewRSAvailableReason;
        if (hasDeadline && !completeBefore)
        {
            var subject = newRS is null ? $"Deployment \"{_d.Metadata.Name}\"" : $"ReplicaSet \"{newRS.Metadata.Name}\"";
            if (DeploymentConditions.Complete(_d, status))
            {
                DeploymentConditions.Set(status, Condition(DeploymentConditions.Progressing, "True", DeploymentConditions.NewRSAvailableReason, $"{subject} has successfully progressed."));
            }
            else if (DeploymentConditions.MadeProgress(_d, status))
            {
                // Progress refreshes lastUpdateTime even with an unchanged reason, which Set would not: replace the condition.
                var condition = Condition(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdatedReason, $"{subject} is progressing.");
                if (current is not null)
                {
                    if (current.Status == "True")
                    {
                        condition.LastTransitionTime = current.LastTransitionTime;
                    }

                    DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
                }

                DeploymentConditions.Set(status, condition);
            }
            else if (DeploymentConditions.TimedOut(_d, status, _now))
            {
                DeploymentConditions.Set(status, Condition(DeploymentConditions.Progressing, "False", DeploymentConditions.TimedOutReason, $"{subject} has timed out progressing."));
            }
        }

        if (ReplicaFailure(all, newRS) is { } failure)
        {
            DeploymentConditions.Set(status, failure);
        }
        else
        {
            DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
        }

        if (!WriteStatusIfChanged(status))
        {
            _requeue = UntilDeadline(status);
        }
    }

    /// <summary>The new ReplicaSet's ReplicaFailure condition, else an old one's.</summary>
    private static V1DeploymentCondition? ReplicaFailure(IReadOnlyList<V1ReplicaSet?> all, V1ReplicaSet? newRS) =>
        (newRS is null ? [] : new[] { newRS }).Concat(all.OfType<V1ReplicaSet>())
            .SelectMany(rs => rs.Status?.Conditions ?? [])
            .Where(c => c.Type == DeploymentConditions.ReplicaFailure)
            .Select(DeploymentConditions.FromReplicaSet)
            .FirstOrDefault();

    /// <summary>
    /// When a rollout without news must be looked at again to see whether it passed its deadline (requeueStuckDeployment):
    /// the Progressing condition's last update plus the deadline, a second later against timer skew; null when done or already timed out.
    /// </summary>
    private TimeSpan? UntilDeadline(V1DeploymentStatus status)
    {
        var current = DeploymentConditions.Get(_d.Status, DeploymentConditions.Progressing);
        if (!DeploymentConditions.HasProgressDeadline(_d) || current is null || DeploymentConditions.Complete(_d, status) || current.Reason == DeploymentConditions.TimedOutReason)
        {
            return null;
        }

        var after = DeploymentConditions.Utc(current.LastUpdateTime).AddSeconds(_d.Spec.ProgressDeadlineSeconds!.Value) - _now;
        return after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1);
    }

    /// <summary>Plans the status write when <paramref name="status"/> differs from the stored one; true when it does.</summary>
    private bool WriteStatusIfChanged(V1DeploymentStatus status)
    {
        _d.Status = status;
        if (KubernetesJson.Serialize(status) == KubernetesJson.Serialize(_observed))
        {
            return false;
        }

        _actions.Add(new WriteDeploymentStatus(Clone(status)));
        return true;
    }

    private static int? NonZero(int value) => value == 0 ? null : value;
}

using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>The Progressing and Available conditions and the progress checks upstream's deploymentutil makes with them.</summary>
public static class DeploymentConditions
{
    public const string Progressing = "Progressing";
    public const string Available = "Available";
    public const string ReplicaFailure = "ReplicaFailure";

    public const string NewRSReason = "NewReplicaSetCreated";
    public const string FoundNewRSReason = "FoundNewReplicaSet";
    public const string ReplicaSetUpdatedReason = "ReplicaSetUpdated";
    public const string NewRSAvailableReason = "NewReplicaSetAvailable";
    public const string TimedOutReason = "ProgressDeadlineExceeded";
    public const string FailedRSCreateReason = "ReplicaSetCreateError";
    public const string PausedReason = "DeploymentPaused";
    public const string ResumedReason = "DeploymentResumed";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    public static V1DeploymentCondition New(string type, string status, string reason, string message, DateTime now) => new()
    {
        Type = type, Status = status, Reason = reason, Message = message, LastUpdateTime = now, LastTransitionTime = now,
    };

    public static V1DeploymentCondition? Get(V1DeploymentStatus? status, string type) => status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Sets the condition unless one of its type has the same status and reason; keeps lastTransitionTime when only
    /// the reason changes (SetDeploymentCondition). The changed condition goes last, as upstream's.
    /// </summary>
    public static void Set(V1DeploymentStatus status, V1DeploymentCondition condition)
    {
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return;
        }

        if (current is not null && current.Status == condition.Status)
        {
            condition.LastTransitionTime = current.LastTransitionTime;
        }

        Remove(status, condition.Type);
        status.Conditions = [.. status.Conditions ?? [], condition];
    }

    public static void Remove(V1DeploymentStatus status, string type)
    {
        if (status.Conditions is { } conditions)
        {
            status.Conditions = [.. conditions.Where(c => c.Type != type)];
        }
    }

    /// <summary>A deadline is set and is not "never" (int32 max).</summary>
    public static bool HasProgressDeadline(V1Deployment d) => d.Spec.ProgressDeadlineSeconds is { } s && s != int.MaxValue;

    /// <summary>Every desired replica is updated, running and available, at the current generation (DeploymentComplete).</summary>
    public static bool Complete(V1Deployment d, V1DeploymentStatus status)
    {
        var replicas = Fenceposts.Replicas(d);
        return (status.UpdatedReplicas ?? 0) == replicas && (status.Replicas ?? 0) == replicas && (status.AvailableReplicas ?? 0) == replicas
            && (status.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);
    }

    /// <summary>More updated, ready or available replicas than before, or fewer old ones (DeploymentProgressing).</summary>
    public static bool MadeProgress(V1Deployment d, V1DeploymentStatus status)
    {
        var old = d.Status ?? new V1DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (status.Replicas ?? 0) - (status.UpdatedReplicas ?? 0);
        return (status.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0) || newOld < oldOld
            || (status.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0) || (status.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>No progress reported within the deadline since the Progressing condition last changed (DeploymentTimedOut).</summary>
    public static bool TimedOut(V1Deployment d, V1DeploymentStatus status, DateTimeOffset now)
    {
        if (!HasProgressDeadline(d) || Get(status, Progressing) is not { } condition || condition.Reason == NewRSAvailableReason)
        {
            return false;
        }

        return condition.Reason == TimedOutReason
            || Utc(condition.LastUpdateTime).AddSeconds(d.Spec.ProgressDeadlineSeconds!.Value) < now;
    }

    /// <summary>A ReplicaSet's condition as the deployment's (ReplicaSetToDeploymentCondition).</summary>
    public static V1DeploymentCondition FromReplicaSet(V1ReplicaSetCondition c) => new()
    {
        Type = c.Type, Status = c.Status, LastTransitionTime = c.LastTransitionTime, LastUpdateTime = c.LastTransitionTime, Reason = c.Reason, Message = c.Message,
    };

    public static DateTimeOffset Utc(DateTime? time) => time switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Local } t => new DateTimeOffset(t.ToUniversalTime()),
        { } t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
    };
}

using System.Globalization;
using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>What the job controller asks of a Job and of its pods (upstream's jobutil and the controller's helpers). Pure.</summary>
public static class JobFacts
{
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string FailureTarget = "FailureTarget";
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";
    public const string Suspended = "Suspended";

    /// <summary>The annotation (and, since PodIndexLabel, label) carrying an Indexed job pod's completion index.</summary>
    public const string CompletionIndexKey = "batch.kubernetes.io/job-completion-index";

    /// <summary>The condition of <paramref name="type"/> when its status is True.</summary>
    public static V1JobCondition? TrueCondition(V1Job job, string type) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");

    /// <summary>Upstream's IsJobFinished: a Complete or Failed condition is True; a finished job never changes again.</summary>
    public static bool IsFinished(V1Job job) => FinishedCondition(job) is not null;

    public static V1JobCondition? FinishedCondition(V1Job job) => TrueCondition(job, Complete) ?? TrueCondition(job, Failed);

    public static bool IsSucceeded(V1Job job) => TrueCondition(job, Complete) is not null;

    public static bool IsIndexed(V1Job job) => job.Spec?.CompletionMode == "Indexed";

    public static bool IsPodFinished(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>Not finished and not terminating: counts in status.active and toward parallelism.</summary>
    public static bool IsPodActive(V1Pod pod) => !IsPodFinished(pod) && pod.Metadata?.DeletionTimestamp is null;

    /// <summary>Being deleted and not yet finished (status.terminating).</summary>
    public static bool IsPodTerminating(V1Pod pod) => !IsPodFinished(pod) && pod.Metadata?.DeletionTimestamp is not null;

    public static bool IsPodReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The pod's completion index (null when it has none, or a malformed one).</summary>
    public static int? CompletionIndex(V1Pod pod) =>
        pod.Metadata?.Annotations?.TryGetValue(CompletionIndexKey, out var text) == true
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    /// <summary>
    /// When a finished pod finished (upstream's getFinishedTime): its containers' latest termination, else its
    /// latest condition transition, else its creation; null when the pod says nothing of time.
    /// </summary>
    public static DateTimeOffset? FinishedAt(V1Pod pod)
    {
        var terminated = (pod.Status?.ContainerStatuses ?? []).Select(s => s.State?.Terminated?.FinishedAt).Where(t => t is not null).Max();
        var transitioned = (pod.Status?.Conditions ?? []).Select(c => c.LastTransitionTime).Where(t => t is not null).Max();
        return Utc(terminated ?? transitioned ?? pod.Metadata?.CreationTimestamp);
    }

    /// <summary>Restarts of the pod's containers: what backoffLimit counts for a restartPolicy OnFailure job.</summary>
    public static int Restarts(V1Pod pod) =>
        (pod.Status?.InitContainerStatuses ?? []).Sum(s => s.RestartCount) + (pod.Status?.ContainerStatuses ?? []).Sum(s => s.RestartCount);

    public static DateTimeOffset? Utc(DateTime? time) => time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    public static V1JobCondition NewCondition(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type, Status = status, Reason = reason, Message = message, LastProbeTime = now.UtcDateTime, LastTransitionTime = now.UtcDateTime,
    };

    /// <summary>
    /// Upstream's ensureJobConditionStatus: sets the condition of <paramref name="type"/> to <paramref name="status"/>;
    /// a False one is only written over an existing condition (a job never suspended has no Suspended condition).
    /// Returns whether anything changed.
    /// </summary>
    public static bool Ensure(V1JobStatus jobStatus, string type, string status, string reason, string message, DateTimeOffset now)
    {
        var conditions = jobStatus.Conditions ?? [];
        var current = conditions.FirstOrDefault(c => c.Type == type);
        if (current is null)
        {
            if (status == "False")
            {
                return false;
            }

            jobStatus.Conditions = [.. conditions, NewCondition(type, status, reason, message, now)];
            return true;
        }

        if (current.Status == status && current.Reason == reason && current.Message == message)
        {
            return false;
        }

        var replaced = NewCondition(type, status, reason, message, now);
        if (current.Status == status)
        {
            replaced.LastTransitionTime = current.LastTransitionTime;
        }

        jobStatus.Conditions = [.. conditions.Select(c => ReferenceEquals(c, current) ? replaced : c)];
        return true;
    }
}

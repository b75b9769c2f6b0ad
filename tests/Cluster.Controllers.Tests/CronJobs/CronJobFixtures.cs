using k8s.Models;

namespace Cluster.Controllers.Tests.CronJobs;

/// <summary>CronJobs and their Jobs as the pure cronjob specs need them.</summary>
internal static class CronJobFixtures
{
    /// <summary>When the fixtures' CronJobs were created: a Sunday, 10:00:30 UTC.</summary>
    public static readonly DateTimeOffset Created = new(2026, 12, 6, 10, 0, 30, TimeSpan.Zero);

    public static V1CronJob CronJob(
        string schedule = "*/5 * * * *",
        string? timeZone = null,
        string concurrency = "Allow",
        bool suspend = false,
        long? startingDeadlineSeconds = null,
        DateTimeOffset? lastSchedule = null,
        int successfulLimit = 3,
        int failedLimit = 1,
        params string[] active) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = new V1ObjectMeta { Name = "tick", NamespaceProperty = "batch", Uid = "cj-uid", CreationTimestamp = Created.UtcDateTime },
        Spec = new V1CronJobSpec
        {
            Schedule = schedule,
            TimeZone = timeZone,
            ConcurrencyPolicy = concurrency,
            Suspend = suspend,
            StartingDeadlineSeconds = startingDeadlineSeconds,
            SuccessfulJobsHistoryLimit = successfulLimit,
            FailedJobsHistoryLimit = failedLimit,
            JobTemplate = new V1JobTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["team"] = "ops" }, Annotations = new Dictionary<string, string> { ["note"] = "kept" } },
                Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "OnFailure", Containers = [new V1Container { Name = "c", Image = "busybox" }] } } },
            },
        },
        Status = new V1CronJobStatus
        {
            LastScheduleTime = lastSchedule?.UtcDateTime,
            Active = active.Length == 0 ? null : [.. active.Select(a => new V1ObjectReference { Kind = "Job", Name = a, NamespaceProperty = "batch", Uid = "uid-" + a })],
        },
    };

    /// <summary>A Job of the CronJob; <paramref name="finished"/> is "Complete", "Failed" or null (running).</summary>
    public static V1Job Job(string name, string? finished = null, DateTimeOffset? started = null, DateTimeOffset? completed = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "batch",
            Uid = "uid-" + name,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "CronJob", Name = "tick", Uid = "cj-uid", Controller = true }],
        },
        Spec = new V1JobSpec(),
        Status = new V1JobStatus
        {
            StartTime = started?.UtcDateTime,
            CompletionTime = finished == "Complete" ? (completed ?? started)?.UtcDateTime : null,
            Conditions = finished is null ? null : [new V1JobCondition { Type = finished, Status = "True" }],
        },
    };
}

using System.Globalization;
using Cluster.Controllers.Jobs;
using Cluster.Core.Registry.Strategies;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.CronJobs;

/// <summary>What the schedule asks of a sync: start the Job of <paramref name="Start"/> (deleting the active ones first when <paramref name="ReplaceActive"/>), or nothing; and when to look again.</summary>
public sealed record CronDecision(DateTimeOffset? Start, bool ReplaceActive, TimeSpan? RequeueAfter, IReadOnlyList<JobEvent> Events, TimeZoneInfo Zone);

/// <summary>Upstream controllerv2's syncCronJob and cleanupFinishedJobs as pure functions of the CronJob, its Jobs and the time.</summary>
public static class CronJobPlanner
{
    /// <summary>The annotation telling a Job the start time it was scheduled for (CronJobsScheduledAnnotation).</summary>
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>
    /// status.active brought up to date with the Jobs: finished ones leave it, vanished ones too (unless just created
    /// and not yet seen: <paramref name="unseen"/>); lastSuccessfulTime follows the latest completion.
    /// </summary>
    public static (V1CronJobStatus Status, List<JobEvent> Events) SyncActive(V1CronJob cj, IReadOnlyList<V1Job> jobs, IReadOnlySet<string> unseen)
    {
        var status = cj.Status is null ? new V1CronJobStatus() : KubernetesJson.Deserialize<V1CronJobStatus>(KubernetesJson.Serialize(cj.Status));
        var active = (status.Active ?? []).ToList();
        var events = new List<JobEvent>();
        foreach (var job in jobs)
        {
            var found = active.Any(a => a.Uid == job.Metadata.Uid);
            var finished = JobFacts.FinishedCondition(job);
            if (!found && finished is null)
            {
                events.Add(new JobEvent("Warning", "UnexpectedJob", "Saw a job that the controller did not create or forgot: " + job.Metadata.Name));
            }
            else if (found && finished is not null)
            {
                active.RemoveAll(a => a.Uid == job.Metadata.Uid);
                events.Add(new JobEvent("Normal", "SawCompletedJob", $"Saw completed job: {job.Metadata.Name}, condition: {finished.Type}"));
            }

            if (JobFacts.IsSucceeded(job) && job.Status?.CompletionTime is { } completed && (status.LastSuccessfulTime is not { } last || completed > last))
            {
                status.LastSuccessfulTime = completed;
            }
        }

        foreach (var gone in active.Where(a => !unseen.Contains(a.Uid) && jobs.All(j => j.Metadata.Uid != a.Uid)).ToList())
        {
            events.Add(new JobEvent("Normal", "MissingJob", "Active job went missing: " + gone.Name));
            active.Remove(gone);
        }

        status.Active = active.Count > 0 ? active : null;
        return (status, events);
    }

    /// <summary>Whether a Job of <paramref name="cj"/> is due at <paramref name="now"/>, and when the next one is.</summary>
    public static CronDecision Decide(V1CronJob cj, DateTimeOffset now, TimeZoneInfo localZone)
    {
        var zone = localZone;
        if (cj.Metadata.DeletionTimestamp is not null)
        {
            return new CronDecision(null, false, null, [], zone);
        }

        if (cj.Spec.TimeZone is { } id && !TryZone(id, out zone))
        {
            return new CronDecision(null, false, null, [new JobEvent("Warning", "UnknownTimeZone", $"invalid timeZone: \"{id}\": unknown time zone {id}")], localZone);
        }

        if (cj.Spec.Suspend == true)
        {
            return new CronDecision(null, false, null, [], zone);
        }

        if (!CronSchedule.TryParse(cj.Spec.Schedule, out var schedule, out var error))
        {
            return new CronDecision(null, false, null, [new JobEvent("Warning", "UnparseableSchedule", $"unparseable schedule: \"{cj.Spec.Schedule}\" : {error}")], zone);
        }

        var events = new List<JobEvent>();
        var (due, tooMany, invalid) = CronJobSchedule.Due(cj, now, schedule, zone);
        if (tooMany)
        {
            events.Add(new JobEvent("Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"));
        }

        if (invalid is not null)
        {
            events.Add(new JobEvent("Warning", "InvalidSchedule", $"invalid schedule: {cj.Spec.Schedule} : {invalid}"));
            return new CronDecision(null, false, null, events, zone);
        }

        var next = CronJobSchedule.UntilNext(cj, now, schedule, zone);
        if (due is not { } scheduled)
        {
            return new CronDecision(null, false, next, events, zone);
        }

        if (cj.Spec.StartingDeadlineSeconds is { } deadline && scheduled.AddSeconds(deadline) < now)
        {
            events.Add(new JobEvent("Warning", "MissSchedule", "Missed scheduled time to start a job: " + scheduled.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)));
            return new CronDecision(null, false, next, events, zone);
        }

        var active = cj.Status?.Active ?? [];
        var name = JobName(cj, scheduled);
        if (active.Any(a => a.Name == name) || JobFacts.Utc(cj.Status?.LastScheduleTime) == scheduled)
        {
            return new CronDecision(null, false, next, events, zone);
        }

        if (cj.Spec.ConcurrencyPolicy == "Forbid" && active.Count > 0)
        {
            events.Add(new JobEvent("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid"));
            return new CronDecision(null, false, next, events, zone);
        }

        // The next start time counts from this one, as upstream's, which has set lastScheduleTime by then.
        var started = KubernetesJson.Deserialize<V1CronJob>(KubernetesJson.Serialize(cj));
        started.Status ??= new V1CronJobStatus();
        started.Status.LastScheduleTime = scheduled.UtcDateTime;
        var replace = cj.Spec.ConcurrencyPolicy == "Replace" && active.Count > 0;
        return new CronDecision(scheduled, replace, CronJobSchedule.UntilNext(started, now, schedule, zone), events, zone);
    }

    /// <summary>
    /// Upstream's cleanupFinishedJobs: beyond successfulJobsHistoryLimit succeeded and failedJobsHistoryLimit failed
    /// Jobs, the oldest (by start time; never started last, then by name) go.
    /// </summary>
    public static List<V1Job> Prune(V1CronJob cj, IReadOnlyList<V1Job> jobs)
    {
        var doomed = new List<V1Job>();
        Oldest(jobs.Where(JobFacts.IsSucceeded), cj.Spec.SuccessfulJobsHistoryLimit, doomed);
        Oldest(jobs.Where(j => JobFacts.IsFinished(j) && !JobFacts.IsSucceeded(j)), cj.Spec.FailedJobsHistoryLimit, doomed);
        return doomed;
    }

    /// <summary>Upstream's getJobName: the scheduled time in minutes since the epoch, so one start time is one name, whoever tries to start it.</summary>
    public static string JobName(V1CronJob cj, DateTimeOffset scheduled) =>
        cj.Metadata.Name + "-" + (scheduled.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture);

    /// <summary>Upstream's getJobFromTemplate2: the template's labels, annotations and spec, the CronJob as controller.</summary>
    public static V1Job JobFor(V1CronJob cj, DateTimeOffset scheduled)
    {
        var template = cj.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ScheduledTimestampAnnotation] = Rfc3339(scheduled, cj.Spec.TimeZone is { } id && TryZone(id, out var zone) ? zone : TimeZoneInfo.Utc),
        };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = JobName(cj, scheduled),
                NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : null,
                Annotations = annotations,
                OwnerReferences =
                [
                    new V1OwnerReference { ApiVersion = "batch/v1", Kind = "CronJob", Name = cj.Metadata.Name, Uid = cj.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
                ],
            },
            Spec = KubernetesJson.Deserialize<V1JobSpec>(KubernetesJson.Serialize(template.Spec)),
        };
    }

    /// <summary>A time zone by its IANA name ("Etc/UTC", "Europe/Berlin"); false when this machine does not know it.</summary>
    public static bool TryZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    /// <summary>Go's time.RFC3339 of the time in <paramref name="zone"/>: "Z" for UTC, else the offset.</summary>
    private static string Rfc3339(DateTimeOffset time, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (local.Offset == TimeSpan.Zero ? "Z" : local.ToString("zzz", CultureInfo.InvariantCulture));
    }

    private static void Oldest(IEnumerable<V1Job> finished, int? limit, List<V1Job> doomed)
    {
        if (limit is not { } keep)
        {
            return;
        }

        var ordered = finished.OrderBy(j => j.Status?.StartTime is null ? 1 : 0)
            .ThenBy(j => j.Status?.StartTime ?? DateTime.MaxValue)
            .ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        doomed.AddRange(ordered.Take(Math.Max(ordered.Count - keep, 0)));
    }
}

using k8s;
using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>
/// Upstream's syncJob and manageJob as a pure function of the job, its pods and the time. A job goes through:
/// <code>
///   running ──completions reached──▶ SuccessCriteriaMet ──no pod left running──▶ Complete
///      │  └─failures &gt; backoffLimit, a FailJob rule matched, or activeDeadlineSeconds passed──▶ FailureTarget ──no pod left running──▶ Failed
///      └─suspend──▶ Suspended (pods deleted) ──resume──▶ running (startTime reset)
///   Complete / Failed ──ttlSecondsAfterFinished passed──▶ deleted
/// </code>
/// The interim conditions (1.31+) come first so a client never sees a finished job with pods still running.
/// </summary>
public static class JobPlanner
{
    /// <summary>Upstream's MaxPodCreateDeletePerSync.</summary>
    public const int MaxPodCreateDeletePerSync = 500;

    public const string BackoffLimitExceeded = "BackoffLimitExceeded";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string CompletionsReached = "CompletionsReached";
    public const string CompletionsReachedMessage = "Reached expected number of succeeded pods";

    public static JobPlan Plan(V1Job job, IReadOnlyList<V1Pod> pods, DateTimeOffset now)
    {
        var status = job.Status is null ? new V1JobStatus() : KubernetesJson.Deserialize<V1JobStatus>(KubernetesJson.Serialize(job.Status));
        if (JobFacts.IsFinished(job))
        {
            // A finished job counts no more: its pods' finalizers go.
            return Expire(job, status, now) with { Release = [.. pods.Where(JobTracking.Tracked)] };
        }

        var release = JobTracking.Track(pods, status, p => PodFailurePolicy.Judge(job, p).CountsFailure);
        var facts = new Counts(job, pods, status);
        var events = new List<JobEvent>();
        var suspended = job.Spec.Suspend == true;
        if (status.StartTime is null && !suspended)
        {
            status.StartTime = now.UtcDateTime;
        }

        if (suspended && JobFacts.Ensure(status, JobFacts.Suspended, "True", "JobSuspended", "Job suspended", now))
        {
            events.Add(new JobEvent("Normal", "Suspended", "Job suspended"));
        }
        else if (!suspended && JobFacts.Ensure(status, JobFacts.Suspended, "False", "JobResumed", "Job resumed", now))
        {
            events.Add(new JobEvent("Normal", "Resumed", "Job resumed"));

            // activeDeadlineSeconds counts the time the job is continuously active.
            status.StartTime = now.UtcDateTime;
        }

        var ending = Condition(status, JobFacts.FailureTarget) ?? Condition(status, JobFacts.SuccessCriteriaMet);
        if (ending is null && FailureOf(job, facts, status, now) is { } failure)
        {
            JobFacts.Ensure(status, JobFacts.FailureTarget, "True", failure.Reason, failure.Message, now);
            ending = Condition(status, JobFacts.FailureTarget);
        }
        else if (ending is null && facts.Complete)
        {
            JobFacts.Ensure(status, JobFacts.SuccessCriteriaMet, "True", CompletionsReached, CompletionsReachedMessage, now);
            ending = Condition(status, JobFacts.SuccessCriteriaMet);
        }

        IReadOnlyList<int?> create = [];
        IReadOnlyList<V1Pod> delete;
        TimeSpan? requeue = null;
        if (ending is not null)
        {
            delete = facts.Active;

            // Finished only once every pod is counted for good (upstream flushes the uncounted pods first).
            if (facts.Active.Count == 0 && facts.Terminating == 0 && JobTracking.Uncounted(status) == 0)
            {
                requeue = Finish(job, status, ending, events, now);
            }
        }
        else if (suspended)
        {
            delete = facts.Active;
        }
        else
        {
            (create, delete, requeue) = Manage(job, facts, pods, now);
            if (job.Spec.ActiveDeadlineSeconds is { } seconds && JobFacts.Utc(status.StartTime) is { } started)
            {
                var deadline = started.AddSeconds(seconds) - now;
                requeue = requeue is { } r && r < deadline ? r : deadline;
            }
        }

        status.Active = NullIfZero(facts.Active.Count);
        status.Ready = facts.Active.Count(JobFacts.IsPodReady);
        status.Terminating = facts.Terminating;
        status.CompletedIndexes = JobFacts.IsIndexed(job) ? JobPods.FormatIndexes(facts.CompletedIndexes) : null;
        return new JobPlan(status, create, delete, events, requeue) { Release = release };
    }

    /// <summary>Whether <paramref name="now"/> differs from what is stored (a status write is due).</summary>
    public static bool Differs(V1JobStatus? stored, V1JobStatus now) =>
        KubernetesJson.Serialize(stored ?? new V1JobStatus()) != KubernetesJson.Serialize(now);

    /// <summary>The reason and message of a failure the job has just met, if any (backoffLimit first, as upstream).</summary>
    private static JobEvent? FailureOf(V1Job job, Counts facts, V1JobStatus status, DateTimeOffset now)
    {
        if (facts.FailJobMessage is { } message)
        {
            return new JobEvent("Warning", PodFailurePolicy.Reason, message);
        }

        var limit = job.Spec.BackoffLimit ?? 6;
        var onFailure = job.Spec.Template?.Spec?.RestartPolicy == "OnFailure";
        if (facts.Failed > limit || (onFailure && PastBackoffLimitOnFailure(facts.Active, limit)))
        {
            return new JobEvent("Warning", BackoffLimitExceeded, "Job has reached the specified backoff limit");
        }

        if (job.Spec.Suspend != true && job.Spec.ActiveDeadlineSeconds is { } seconds && JobFacts.Utc(status.StartTime) is { } started && now >= started.AddSeconds(seconds))
        {
            return new JobEvent("Warning", DeadlineExceeded, "Job was active longer than specified deadline");
        }

        return null;
    }

    /// <summary>Upstream's pastBackoffLimitOnFailure: with restartPolicy OnFailure the kubelet restarts containers, and their restarts count.</summary>
    private static bool PastBackoffLimitOnFailure(IEnumerable<V1Pod> active, int limit)
    {
        var restarts = active.Where(p => p.Status?.Phase == "Running").Sum(JobFacts.Restarts);
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /// <summary>Every pod has stopped: the interim condition becomes final. Returns when the TTL will be due.</summary>
    private static TimeSpan? Finish(V1Job job, V1JobStatus status, V1JobCondition ending, List<JobEvent> events, DateTimeOffset now)
    {
        if (ending.Type == JobFacts.FailureTarget)
        {
            JobFacts.Ensure(status, JobFacts.Failed, "True", ending.Reason, ending.Message, now);
            events.Add(new JobEvent("Warning", ending.Reason, ending.Message));
        }
        else
        {
            JobFacts.Ensure(status, JobFacts.Complete, "True", ending.Reason, ending.Message, now);
            status.CompletionTime = now.UtcDateTime;
            events.Add(new JobEvent("Normal", "Completed", "Job completed"));
        }

        return job.Spec.TtlSecondsAfterFinished is { } ttl ? TimeSpan.FromSeconds(ttl) : null;
    }

    /// <summary>A finished job only waits for its ttlSecondsAfterFinished (upstream's ttlafterfinished controller).</summary>
    private static JobPlan Expire(V1Job job, V1JobStatus status, DateTimeOffset now)
    {
        var finished = JobFacts.Utc(status.CompletionTime) ?? JobFacts.Utc(JobFacts.FinishedCondition(job)?.LastTransitionTime);
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl || finished is null)
        {
            return new JobPlan(status, [], [], [], null);
        }

        var left = finished.Value.AddSeconds(ttl) - now;
        return left <= TimeSpan.Zero ? new JobPlan(status, [], [], [], null, DeleteJob: true) : new JobPlan(status, [], [], [], left);
    }

    /// <summary>
    /// Upstream's manageJob for a running job: as many active pods as parallelism allows and completions still need,
    /// new ones only once the failure back-off has passed, at most <see cref="MaxPodCreateDeletePerSync"/> per sync.
    /// </summary>
    private static (IReadOnlyList<int?> Create, IReadOnlyList<V1Pod> Delete, TimeSpan? Requeue) Manage(V1Job job, Counts facts, IReadOnlyList<V1Pod> pods, DateTimeOffset now)
    {
        var parallelism = job.Spec.Parallelism ?? 1;
        var completions = job.Spec.Completions;
        var indexed = JobFacts.IsIndexed(job);
        var want = indexed ? Math.Min(parallelism, (completions ?? 0) - facts.CompletedIndexes.Count)
            : completions is null ? (facts.Succeeded > 0 ? facts.Active.Count : parallelism)
            : Math.Min(parallelism, completions.Value - facts.Succeeded);
        want = Math.Max(want, 0);

        // Indexed: a second pod of one index, or one of an index past completions, is never kept.
        var keep = indexed ? facts.Active.Where(p => JobFacts.CompletionIndex(p) is { } i && i < completions).DistinctBy(JobFacts.CompletionIndex).ToList() : facts.Active;
        var delete = facts.Active.Except(keep).ToList();
        if (keep.Count > want)
        {
            delete.AddRange(RankForDeletion(keep).Take(Math.Min(keep.Count - want, MaxPodCreateDeletePerSync)));
            return ([], delete, null);
        }

        var missing = Math.Min(want - keep.Count, MaxPodCreateDeletePerSync);
        if (missing == 0)
        {
            return ([], delete, null);
        }

        var wait = JobBackoff.Remaining(pods, now);
        if (wait > TimeSpan.Zero)
        {
            return ([], delete, wait);
        }

        if (!indexed)
        {
            return ([.. Enumerable.Repeat<int?>(null, missing)], delete, null);
        }

        var taken = new HashSet<int>(facts.CompletedIndexes.Concat(keep.Select(p => JobFacts.CompletionIndex(p)!.Value)));
        return ([.. Enumerable.Range(0, completions ?? 0).Where(i => !taken.Contains(i)).Take(missing).Select(i => (int?)i)], delete, null);
    }

    /// <summary>Upstream's ActivePods order: unscheduled, then pending, then not ready, then the newest go first.</summary>
    private static IEnumerable<V1Pod> RankForDeletion(IEnumerable<V1Pod> pods) =>
        pods.OrderBy(p => string.IsNullOrEmpty(p.Spec?.NodeName) ? 0 : 1)
            .ThenBy(p => p.Status?.Phase switch { "Pending" or null => 0, "Unknown" => 1, _ => 2 })
            .ThenBy(p => JobFacts.IsPodReady(p) ? 1 : 0)
            .ThenByDescending(p => p.Metadata?.CreationTimestamp ?? DateTime.MinValue)
            .ThenBy(p => p.Metadata?.Name, StringComparer.Ordinal);

    private static V1JobCondition? Condition(V1JobStatus status, string type) => status.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");

    private static int? NullIfZero(int value) => value == 0 ? null : value;

    /// <summary>The job's pods counted once: what the status counted for good and what it names as uncounted (<see cref="JobTracking"/>).</summary>
    private sealed class Counts
    {
        public Counts(V1Job job, IReadOnlyList<V1Pod> pods, V1JobStatus status)
        {
            Active = [.. pods.Where(JobFacts.IsPodActive)];
            Terminating = pods.Count(JobFacts.IsPodTerminating);
            var succeeded = pods.Where(p => p.Status?.Phase == "Succeeded").ToList();
            Succeeded = (status.Succeeded ?? 0) + (status.UncountedTerminatedPods?.Succeeded?.Count ?? 0);
            var failed = pods.Where(p => p.Status?.Phase == "Failed").Select(p => PodFailurePolicy.Judge(job, p)).ToList();
            Failed = (status.Failed ?? 0) + (status.UncountedTerminatedPods?.Failed?.Count ?? 0);
            FailJobMessage = failed.Select(v => v.FailJobMessage).FirstOrDefault(m => m is not null);
            var completions = job.Spec.Completions ?? 0;
            var known = JobFacts.IsIndexed(job) ? ParseIndexes(status.CompletedIndexes) : [];
            CompletedIndexes = [.. known.Concat(succeeded.Select(JobFacts.CompletionIndex).OfType<int>()).Where(i => i < completions).Distinct()];
            var indexedDone = JobFacts.IsIndexed(job) && CompletedIndexes.Count >= completions;
            Complete = JobFacts.IsIndexed(job) ? indexedDone
                : job.Spec.Completions is null ? Succeeded > 0 && Active.Count == 0
                : Succeeded >= completions;
        }

        public List<V1Pod> Active { get; }

        public int Terminating { get; }

        public int Succeeded { get; }

        public int Failed { get; }

        /// <summary>The message of the first failed pod a FailJob rule of the pod failure policy matched.</summary>
        public string? FailJobMessage { get; }

        public List<int> CompletedIndexes { get; }

        public bool Complete { get; }

        private static IEnumerable<int> ParseIndexes(string? text)
        {
            foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var range = part.Split('-');
                if (int.TryParse(range[0], System.Globalization.CultureInfo.InvariantCulture, out var first)
                    && int.TryParse(range[^1], System.Globalization.CultureInfo.InvariantCulture, out var last))
                {
                    for (var i = first; i <= last; i++)
                    {
                        yield return i;
                    }
                }
            }
        }
    }
}

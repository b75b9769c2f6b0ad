using Cluster.Controllers.Jobs;
using Cluster.Core.Registry.Strategies;
using k8s.Models;

namespace Cluster.Controllers.CronJobs;

/// <summary>
/// When a CronJob is due (upstream controllerv2's mostRecentScheduleTime, nextScheduleTime and
/// nextScheduleTimeDuration) on its parsed <see cref="CronSchedule"/>, in its time zone. Pure.
/// </summary>
public static class CronJobSchedule
{
    /// <summary>Upstream's nextScheduleDelta: requeued a little after the time, never a little before.</summary>
    public static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    /// <summary>More missed start times than this are "too many" (a wrong clock, or a controller down for long).</summary>
    public const int TooManyMissed = 100;

    public enum Missed
    {
        None,
        Few,
        Many,
    }

    /// <summary>The result of <see cref="MostRecent"/>: the time counted from, the latest start time due (null: none yet), and how many were missed.</summary>
    public sealed record Recent(DateTimeOffset Earliest, DateTimeOffset? MostRecent, Missed Missed, string? Error);

    /// <summary>
    /// The latest start time at or before <paramref name="now"/> after the last one scheduled (or the CronJob's
    /// creation), no earlier than startingDeadlineSeconds ago when <paramref name="withStartingDeadline"/>.
    /// </summary>
    public static Recent MostRecent(V1CronJob cj, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone, bool withStartingDeadline)
    {
        var earliest = JobFacts.Utc(cj.Status?.LastScheduleTime) ?? JobFacts.Utc(cj.Metadata?.CreationTimestamp) ?? now;
        if (withStartingDeadline && cj.Spec.StartingDeadlineSeconds is { } seconds && now.AddSeconds(-seconds) > earliest)
        {
            earliest = now.AddSeconds(-seconds);
        }

        const string TooClose = "time difference between two schedules is less than 1 second";
        if (schedule.Next(earliest, zone) is not { } t1)
        {
            return new Recent(earliest, null, Missed.None, TooClose);
        }

        if (now < t1)
        {
            return new Recent(earliest, null, Missed.None, null);
        }

        if (schedule.Next(t1, zone) is not { } t2)
        {
            return new Recent(earliest, null, Missed.None, TooClose);
        }

        if (now < t2)
        {
            return new Recent(earliest, t1, Missed.None, null);
        }

        var between = (long)Math.Round((t2 - t1).TotalSeconds);
        if (between < 1)
        {
            return new Recent(earliest, null, Missed.None, TooClose);
        }

        // Upstream estimates the count from the first interval; the latest time itself is found exactly (walking at
        // most the estimate's steps), so schedules with uneven intervals ("0 9 * * 1,5") are not misplaced.
        var missed = ((long)(now - t1).TotalSeconds / between) + 1;
        var latest = missed > TooManyMissed ? t1.AddSeconds((missed - 1) * between) : t1;
        if (latest > now)
        {
            latest = t1;
        }

        for (var steps = 0; steps < 100_000 && schedule.Next(latest, zone) is { } next && next <= now; steps++)
        {
            latest = next;
        }

        return new Recent(earliest, latest, missed > TooManyMissed ? Missed.Many : Missed.Few, null);
    }

    /// <summary>Upstream's nextScheduleTime: the start time due now, if any, and whether too many were missed.</summary>
    public static (DateTimeOffset? Due, bool TooManyMissed, string? Error) Due(V1CronJob cj, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone)
    {
        var recent = MostRecent(cj, now, schedule, zone, withStartingDeadline: true);
        return recent.MostRecent is not { } due || due > now ? (null, false, recent.Error) : (due, recent.Missed == Missed.Many, recent.Error);
    }

    /// <summary>Upstream's nextScheduleTimeDuration: how long until the next start time (null: there is none).</summary>
    public static TimeSpan? UntilNext(V1CronJob cj, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone)
    {
        var recent = MostRecent(cj, now, schedule, zone, withStartingDeadline: false);
        var from = recent.Error is not null ? now : recent.MostRecent ?? (recent.Missed == Missed.None ? recent.Earliest : now);
        return schedule.Next(from, zone) is { } next ? next + NextScheduleDelta - now : null;
    }
}

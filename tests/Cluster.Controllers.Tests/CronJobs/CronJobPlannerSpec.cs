using Cluster.Controllers.CronJobs;
using Microsoft.Extensions.Time.Testing;
using static Cluster.Controllers.Tests.CronJobs.CronJobFixtures;

namespace Cluster.Controllers.Tests.CronJobs;

public sealed class CronJobPlannerSpec
{
    private static readonly DateTimeOffset FirstRun = new(2026, 12, 6, 10, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Decide_OnTheFakeClock_StartsEachRunOnceThenWaitsForTheNext()
    {
        var clock = new FakeTimeProvider(Created);
        var before = CronJobPlanner.Decide(CronJob(), clock.GetUtcNow(), TimeZoneInfo.Utc);
        clock.Advance(before.RequeueAfter!.Value);

        var due = CronJobPlanner.Decide(CronJob(), clock.GetUtcNow(), TimeZoneInfo.Utc);
        var again = CronJobPlanner.Decide(CronJob(lastSchedule: FirstRun), clock.GetUtcNow(), TimeZoneInfo.Utc);

        Assert.Null(before.Start);
        Assert.Equal(FirstRun, due.Start);
        Assert.Equal(TimeSpan.FromMinutes(5), due.RequeueAfter);
        Assert.Null(again.Start);
        Assert.Equal(TimeSpan.FromMinutes(5), again.RequeueAfter);
    }

    [Theory]
    [InlineData("Allow", true, false)]
    [InlineData("Forbid", false, false)]
    [InlineData("Replace", true, true)]
    public void Decide_JobStillActive_ConcurrencyPolicyDecides(string policy, bool starts, bool replaces)
    {
        var cj = CronJob(concurrency: policy, lastSchedule: Created.AddSeconds(-30), active: "tick-29924999");

        var decision = CronJobPlanner.Decide(cj, FirstRun.AddSeconds(1), TimeZoneInfo.Utc);

        Assert.Equal(starts ? FirstRun : null, decision.Start);
        Assert.Equal(replaces, decision.ReplaceActive);
        Assert.Equal(!starts, decision.Events.Any(e => e.Reason == "JobAlreadyActive"));
    }

    [Fact]
    public void Decide_Suspended_NothingAndNoRequeue()
    {
        var decision = CronJobPlanner.Decide(CronJob(suspend: true), FirstRun.AddMinutes(1), TimeZoneInfo.Utc);

        Assert.Equal((null, null), (decision.Start, decision.RequeueAfter));
    }

    [Fact]
    public void Decide_PastTheStartingDeadline_SkipsThatRunAndWaitsForTheNext()
    {
        var decision = CronJobPlanner.Decide(CronJob(startingDeadlineSeconds: 10), FirstRun.AddSeconds(20), TimeZoneInfo.Utc);
        var inTime = CronJobPlanner.Decide(CronJob(startingDeadlineSeconds: 30), FirstRun.AddSeconds(20), TimeZoneInfo.Utc);

        Assert.Null(decision.Start);
        Assert.Equal(TimeSpan.FromSeconds(280) + CronJobSchedule.NextScheduleDelta, decision.RequeueAfter);
        Assert.Equal(FirstRun, inTime.Start);
    }

    [Fact]
    public void Decide_TooManyMissed_WarnsAndStartsTheLatest()
    {
        var decision = CronJobPlanner.Decide(CronJob("* * * * *"), Created.AddHours(3), TimeZoneInfo.Utc);

        Assert.Contains(decision.Events, e => e.Reason == "TooManyMissedTimes");
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 13, 0, 0, TimeSpan.Zero), decision.Start);
    }

    [Fact]
    public void Decide_UnknownTimeZone_WarnsAndStartsNothing()
    {
        var decision = CronJobPlanner.Decide(CronJob(timeZone: "Mars/Olympus"), FirstRun.AddMinutes(1), TimeZoneInfo.Utc);

        Assert.Null(decision.Start);
        var warning = Assert.Single(decision.Events);
        Assert.Equal(("UnknownTimeZone", "invalid timeZone: \"Mars/Olympus\": unknown time zone Mars/Olympus"), (warning.Reason, warning.Message));
    }

    [Fact]
    public void JobFor_ScheduledTime_NameInMinutesTemplateAndOwner()
    {
        var job = CronJobPlanner.JobFor(CronJob(timeZone: "Europe/Berlin"), FirstRun);

        Assert.Equal("tick-" + (FirstRun.ToUnixTimeSeconds() / 60), job.Metadata.Name);
        Assert.Equal("ops", job.Metadata.Labels["team"]);
        Assert.Equal("kept", job.Metadata.Annotations["note"]);
        Assert.Equal("2026-12-06T11:05:00+01:00", job.Metadata.Annotations[CronJobPlanner.ScheduledTimestampAnnotation]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(("CronJob", "tick", "cj-uid", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Equal("OnFailure", job.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public void SyncActive_FinishedLeaveMissingLeaveUnseenStay_LastSuccessfulTimeFollows()
    {
        var cj = CronJob(active: ["done", "running", "gone", "new"]);
        var jobs = new[] { Job("done", "Complete", Created, Created.AddMinutes(2)), Job("running"), Job("stray") };

        var (status, events) = CronJobPlanner.SyncActive(cj, jobs, new HashSet<string> { "uid-new" });

        Assert.Equal(["running", "new"], status.Active.Select(a => a.Name));
        Assert.Equal(Created.AddMinutes(2).UtcDateTime, status.LastSuccessfulTime);
        Assert.Equal(
            ["SawCompletedJob:Saw completed job: done, condition: Complete", "UnexpectedJob:Saw a job that the controller did not create or forgot: stray", "MissingJob:Active job went missing: gone"],
            events.Select(e => e.Reason + ":" + e.Message));
    }

    [Fact]
    public void Prune_BeyondHistoryLimits_OldestGoFirst()
    {
        var jobs = new[]
        {
            Job("ok-1", "Complete", Created.AddMinutes(1)), Job("ok-3", "Complete", Created.AddMinutes(3)), Job("ok-2", "Complete", Created.AddMinutes(2)),
            Job("bad-1", "Failed", Created.AddMinutes(1)), Job("bad-2", "Failed", Created.AddMinutes(2)), Job("running"),
        };

        var doomed = CronJobPlanner.Prune(CronJob(successfulLimit: 1, failedLimit: 1), jobs);

        Assert.Equal(["ok-1", "ok-2", "bad-1"], doomed.Select(j => j.Metadata.Name));
    }

    [Fact]
    public void Decide_SameStartTimeAlreadyActive_NotStartedTwice()
    {
        var cj = CronJob(active: "tick-" + (FirstRun.ToUnixTimeSeconds() / 60));

        var decision = CronJobPlanner.Decide(cj, FirstRun.AddSeconds(1), TimeZoneInfo.Utc);

        Assert.Null(decision.Start);
        Assert.Empty(decision.Events);
    }
}

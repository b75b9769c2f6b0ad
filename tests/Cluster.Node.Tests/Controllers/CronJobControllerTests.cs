using Cluster.Controllers.Jobs;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The cronjob controller on a node's real registry and a fake clock; the test finishes the Jobs itself.</summary>
public sealed class CronJobControllerTests : IAsyncLifetime
{
    private BatchTestHost _test = null!;

    public async Task InitializeAsync() => _test = await BatchTestHost.StartAsync("cronjob-node", jobs: false, cronJobs: true);

    public async Task DisposeAsync() => await _test.DisposeAsync();

    [Fact]
    public async Task CronJob_FiresEveryMinuteOnTheFakeClock_OneJobPerStart_HistoryPruned()
    {
        await _test.CreateAsync(BuiltInKinds.CronJob, """
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick"},
             "spec":{"schedule":"* * * * *","successfulJobsHistoryLimit":2,
               "jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"main","image":"busybox"}]}}}}}}
            """);
        var created = JobFacts.Utc(_test.Get<V1CronJob>(BuiltInKinds.CronJob, "tick")!.Metadata.CreationTimestamp)!.Value;
        var start = created.AddSeconds(60 - created.Second); // the first whole minute after creation
        Assert.Empty(_test.Jobs());

        List<string> names = [];
        for (var run = 0; run < 3; run++)
        {
            var due = start.AddMinutes(run);
            _test.Clock.Advance(due - _test.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
            var name = "tick-" + (due.ToUnixTimeSeconds() / 60);
            names.Add(name);
            await _test.UntilAsync(() => _test.Get<V1CronJob>(BuiltInKinds.CronJob, "tick")!.Status?.Active?.Any(a => a.Name == name) == true, name + " started and active");
            var job = _test.Get<V1Job>(BuiltInKinds.Job, name)!;
            Assert.Equal("tick", Assert.Single(job.Metadata.OwnerReferences).Name);
            Assert.Equal(due.UtcDateTime, _test.Get<V1CronJob>(BuiltInKinds.CronJob, "tick")!.Status.LastScheduleTime);
            await _test.FinishJobAsync(name, succeeded: true);
            await _test.UntilAsync(() => _test.Get<V1CronJob>(BuiltInKinds.CronJob, "tick")!.Status?.Active is null, name + " left the active list");
        }

        // Three succeeded, two kept: the oldest went.
        await _test.UntilAsync(() => _test.Jobs().Count == 2, "the history pruned to two");
        Assert.Equal(names[1..], _test.Jobs().Select(j => j.Metadata.Name));
        var status = _test.Get<V1CronJob>(BuiltInKinds.CronJob, "tick")!.Status;
        Assert.NotNull(status.LastSuccessfulTime);
        await _test.UntilAsync(() => _test.Events("tick", "SuccessfulCreate").Count == 3 && _test.Events("tick", "SuccessfulDelete").Count == 1, "the Events");
    }

    [Fact]
    public async Task CronJob_ForbidWhileAJobRuns_SkipsTheStart()
    {
        await _test.CreateAsync(BuiltInKinds.CronJob, """
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"solo"},
             "spec":{"schedule":"* * * * *","concurrencyPolicy":"Forbid",
               "jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"main","image":"busybox"}]}}}}}}
            """);
        _test.Clock.Advance(TimeSpan.FromSeconds(61));
        await _test.UntilAsync(() => _test.Jobs().Count == 1, "the first Job");

        _test.Clock.Advance(TimeSpan.FromSeconds(60));
        await _test.UntilAsync(() => _test.Events("solo", "JobAlreadyActive").Count > 0, "the skipped start");
        Assert.Single(_test.Jobs());
        Assert.Single(_test.Get<V1CronJob>(BuiltInKinds.CronJob, "solo")!.Status.Active);
    }

    [Fact]
    public async Task CronJob_JobOfTheStartExistsAlready_AdoptedNotCreatedTwice()
    {
        await _test.CreateAsync(BuiltInKinds.CronJob, """
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"again"},
             "spec":{"schedule":"* * * * *",
               "jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"main","image":"busybox"}]}}}}}}
            """);
        var cj = _test.Get<V1CronJob>(BuiltInKinds.CronJob, "again")!;
        var created = JobFacts.Utc(cj.Metadata.CreationTimestamp)!.Value;
        var due = created.AddSeconds(60 - created.Second);
        var name = "again-" + (due.ToUnixTimeSeconds() / 60);

        // What a predecessor that stopped before writing the status left: the Job of the start time, and no record of it.
        await _test.CreateAsync(BuiltInKinds.Job, $$$"""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"{{{name}}}",
              "ownerReferences":[{"apiVersion":"batch/v1","kind":"CronJob","name":"again","uid":"{{{cj.Metadata.Uid}}}","controller":true}]},
             "spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"main","image":"busybox"}] } } } }
            """);
        _test.Clock.Advance(due - _test.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));

        await _test.UntilAsync(() => _test.Get<V1CronJob>(BuiltInKinds.CronJob, "again")!.Status?.LastScheduleTime == due.UtcDateTime, "the start recorded");
        Assert.Equal([name], _test.Jobs().Select(j => j.Metadata.Name));
        var existing = _test.Get<V1Job>(BuiltInKinds.Job, name)!;
        Assert.Equal([existing.Metadata.Uid], _test.Get<V1CronJob>(BuiltInKinds.CronJob, "again")!.Status.Active.Select(a => a.Uid));
        Assert.Empty(_test.Events("again", "SuccessfulCreate"));
    }
}

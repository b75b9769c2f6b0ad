using Cluster.Controllers.Jobs;
using k8s.Models;
using static Cluster.Controllers.Tests.Jobs.JobFixtures;

namespace Cluster.Controllers.Tests.Jobs;

public sealed class JobPlannerSpec
{
    [Theory]
    [InlineData(1, 1, 0, 1)] // a fresh job: its one pod
    [InlineData(5, 2, 0, 2)] // parallelism caps the pods at once
    [InlineData(5, 3, 4, 1)] // only the completions still needed
    [InlineData(null, 3, 0, 3)] // a work queue: parallelism pods
    public void Plan_RunningNonIndexed_CreatesWhatParallelismAndCompletionsAllow(int? completions, int parallelism, int succeeded, int expected)
    {
        var pods = Enumerable.Range(0, succeeded).Select(i => Pod("done" + i, "Succeeded", Start)).ToList();

        var plan = JobPlanner.Plan(Job(completions, parallelism), pods, Start);

        Assert.Equal(expected, plan.Create.Count);
        Assert.All(plan.Create, i => Assert.Null(i));
        Assert.Empty(plan.Delete);
        Assert.Equal(Start.UtcDateTime, plan.Status.StartTime);
    }

    [Fact]
    public void Plan_ActiveAboveParallelism_DeletesTheSurplusNotReadyFirst()
    {
        V1Pod[] pods = [Pod("a", ready: true), Pod("b", ready: false), Pod("c", ready: true)];

        var plan = JobPlanner.Plan(Job(completions: 10, parallelism: 2), pods, Start);

        Assert.Equal(["b"], plan.Delete.Select(p => p.Metadata.Name));
        Assert.Empty(plan.Create);
        Assert.Equal((3, 2), (plan.Status.Active, plan.Status.Ready));
    }

    [Fact]
    public void Plan_Indexed_CreatesTheLowestMissingIndexes()
    {
        V1Pod[] pods = [Pod("pi-0", "Succeeded", Start, index: 0), Pod("pi-2", index: 2)];

        var plan = JobPlanner.Plan(Job(completions: 5, parallelism: 3, indexed: true), pods, Start);

        Assert.Equal([1, 3], plan.Create);
        Assert.Equal("0", plan.Status.CompletedIndexes);
    }

    [Fact]
    public void Plan_IndexedDuplicateIndex_DeletesTheSecondPod()
    {
        V1Pod[] pods = [Pod("pi-0-a", index: 0), Pod("pi-0-b", index: 0)];

        var plan = JobPlanner.Plan(Job(completions: 2, parallelism: 2, indexed: true), pods, Start);

        Assert.Equal(["pi-0-b"], plan.Delete.Select(p => p.Metadata.Name));
        Assert.Equal([1], plan.Create);
    }

    [Fact]
    public void Plan_CompletionsReachedPodsStillRunning_SuccessCriteriaMetThenDeletesThem()
    {
        V1Pod[] pods = [Pod("a", "Succeeded", Start), Pod("b", "Succeeded", Start), Pod("c")];

        var plan = JobPlanner.Plan(Job(completions: 2, parallelism: 3), pods, Start);

        var met = Condition(plan.Status, JobFacts.SuccessCriteriaMet);
        Assert.Equal(("True", "CompletionsReached", "Reached expected number of succeeded pods"), (met?.Status, met?.Reason, met?.Message));
        Assert.Null(Condition(plan.Status, JobFacts.Complete));
        Assert.Equal(["c"], plan.Delete.Select(p => p.Metadata.Name));
        Assert.Null(plan.Status.CompletionTime);
    }

    [Fact]
    public void Plan_SuccessCriteriaMetNoPodLeft_CompleteWithCompletionTimeAndEvent()
    {
        var clock = Clock();
        var counting = JobPlanner.Plan(Job(completions: 1), [Pod("a", "Succeeded", Start)], clock.GetUtcNow());
        var first = JobPlanner.Plan(Job(completions: 1, status: counting.Status), [Untracked(Pod("a", "Succeeded", Start))], clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(3));

        var plan = JobPlanner.Plan(Job(completions: 1, status: first.Status), [Untracked(Pod("a", "Succeeded", Start))], clock.GetUtcNow());

        // The pod is first named uncounted (its finalizer then goes), and the job is complete only once it is counted for good.
        Assert.Equal(["uid-a"], counting.Status.UncountedTerminatedPods.Succeeded);
        Assert.Equal((null, "True"), (Condition(counting.Status, JobFacts.Complete)?.Status, Condition(counting.Status, JobFacts.SuccessCriteriaMet)?.Status));
        Assert.Equal(["a"], counting.Release.Select(p => p.Metadata.Name));
        Assert.Empty(first.Status.UncountedTerminatedPods.Succeeded);
        Assert.Equal("True", Condition(first.Status, JobFacts.Complete)?.Status);
        Assert.Equal(1, first.Status.Succeeded);
        Assert.Equal(Start.UtcDateTime, first.Status.CompletionTime);
        Assert.Contains(new JobEvent("Normal", "Completed", "Job completed"), first.Events);
        Assert.Empty(plan.Events); // finished: nothing changes any more
        Assert.False(JobPlanner.Differs(first.Status, plan.Status));
    }

    [Fact]
    public void Plan_FailuresAboveBackoffLimit_FailureTargetThenFailedOncePodsStop()
    {
        V1Pod[] failed = [Pod("a", "Failed", Start), Pod("b", "Failed", Start)];

        var running = JobPlanner.Plan(Job(completions: 3, parallelism: 2, backoffLimit: 1), [.. failed, Pod("c")], Start);
        // Once the failed pods' finalizers are gone (they are counted for good), the job is Failed.
        var stopped = JobPlanner.Plan(Job(completions: 3, parallelism: 2, backoffLimit: 1, status: running.Status), [.. failed.Select(Untracked)], Start.AddSeconds(1));

        Assert.Equal("BackoffLimitExceeded", Condition(running.Status, JobFacts.FailureTarget)?.Reason);
        Assert.Null(Condition(running.Status, JobFacts.Failed));
        Assert.Equal(["c"], running.Delete.Select(p => p.Metadata.Name));
        Assert.Empty(running.Create);
        var final = Condition(stopped.Status, JobFacts.Failed);
        Assert.Equal(("True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"), (final?.Status, final?.Reason, final?.Message));
        Assert.Contains(new JobEvent("Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit"), stopped.Events);
        Assert.Equal(2, stopped.Status.Failed);
        Assert.Null(stopped.Status.CompletionTime);
    }

    [Fact]
    public void Plan_OnFailureRestartsReachBackoffLimit_FailureTarget()
    {
        var plan = JobPlanner.Plan(Job(backoffLimit: 2, restartPolicy: "OnFailure"), [Pod("a", restarts: 2)], Start);

        Assert.Equal("BackoffLimitExceeded", Condition(plan.Status, JobFacts.FailureTarget)?.Reason);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    public void Plan_AfterFailures_NewPodWaitsTheDoublingBackoff(int failures, int seconds)
    {
        var clock = Clock();
        var pods = Enumerable.Range(0, failures).Select(i => Pod("f" + i, "Failed", Start)).ToList();

        var waiting = JobPlanner.Plan(Job(), pods, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(seconds));
        var due = JobPlanner.Plan(Job(status: waiting.Status), pods, clock.GetUtcNow());

        Assert.Empty(waiting.Create);
        Assert.Equal(TimeSpan.FromSeconds(seconds), waiting.RequeueAfter);
        Assert.Single(due.Create);
    }

    [Fact]
    public void Plan_ActiveDeadlinePassed_DeadlineExceeded()
    {
        var clock = Clock();
        var started = JobPlanner.Plan(Job(activeDeadlineSeconds: 30), [Pod("a")], clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(30));

        var plan = JobPlanner.Plan(Job(activeDeadlineSeconds: 30, status: started.Status), [Pod("a")], clock.GetUtcNow());

        Assert.Equal(TimeSpan.FromSeconds(30), started.RequeueAfter);
        var target = Condition(plan.Status, JobFacts.FailureTarget);
        Assert.Equal(("DeadlineExceeded", "Job was active longer than specified deadline"), (target?.Reason, target?.Message));
        Assert.Equal(["a"], plan.Delete.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Plan_Suspended_DeletesActivePodsAndSaysSuspended_ResumeResetsStartTime()
    {
        var clock = Clock();
        var suspended = JobPlanner.Plan(Job(suspend: true, status: new V1JobStatus { StartTime = Start.UtcDateTime }), [Pod("a")], clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(5));
        var resumed = JobPlanner.Plan(Job(status: suspended.Status), [], clock.GetUtcNow());

        Assert.Equal(["a"], suspended.Delete.Select(p => p.Metadata.Name));
        Assert.Empty(suspended.Create);
        Assert.Equal(("True", "JobSuspended"), (Condition(suspended.Status, JobFacts.Suspended)?.Status, Condition(suspended.Status, JobFacts.Suspended)?.Reason));
        Assert.Contains(new JobEvent("Normal", "Suspended", "Job suspended"), suspended.Events);
        Assert.Equal(("False", "JobResumed"), (Condition(resumed.Status, JobFacts.Suspended)?.Status, Condition(resumed.Status, JobFacts.Suspended)?.Reason));
        Assert.Equal(clock.GetUtcNow().UtcDateTime, resumed.Status.StartTime);
        Assert.Single(resumed.Create);
    }

    [Fact]
    public void Plan_FinishedWithTtl_RequeuedUntilItThenDeletesTheJob()
    {
        var clock = Clock();
        var counting = JobPlanner.Plan(Job(ttl: 60), [Pod("a", "Succeeded", Start)], clock.GetUtcNow());
        var done = JobPlanner.Plan(Job(ttl: 60, status: counting.Status), [Untracked(Pod("a", "Succeeded", Start))], clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(59));
        var early = JobPlanner.Plan(Job(ttl: 60, status: done.Status), [], clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(1));
        var due = JobPlanner.Plan(Job(ttl: 60, status: done.Status), [], clock.GetUtcNow());

        Assert.Equal(TimeSpan.FromSeconds(60), done.RequeueAfter);
        Assert.Equal((TimeSpan.FromSeconds(1), false), (early.RequeueAfter, early.DeleteJob));
        Assert.True(due.DeleteJob);
    }

    [Fact]
    public void Plan_FinishedWithoutTtl_KeepsJobAndPods()
    {
        var counting = JobPlanner.Plan(Job(), [Pod("a", "Succeeded", Start)], Start);
        var done = JobPlanner.Plan(Job(status: counting.Status), [Untracked(Pod("a", "Succeeded", Start))], Start);

        var plan = JobPlanner.Plan(Job(status: done.Status), [Untracked(Pod("a", "Succeeded", Start))], Start.AddDays(1));

        Assert.Equal((false, null, 0, 0), (plan.DeleteJob, plan.RequeueAfter, plan.Delete.Count, plan.Create.Count));
    }

    [Fact]
    public void Plan_TerminatingPod_CountedAsTerminatingNotActive()
    {
        var plan = JobPlanner.Plan(Job(completions: 2, parallelism: 2), [Pod("a", terminating: true), Pod("b")], Start);

        Assert.Equal((1, 1), (plan.Status.Active, plan.Status.Terminating));
        Assert.Single(plan.Create);
    }
}

using Cluster.Controllers.Jobs;
using k8s.Models;
using static Cluster.Controllers.Tests.Jobs.JobFixtures;

namespace Cluster.Controllers.Tests.Jobs;

public sealed class JobTrackingSpec
{
    [Fact]
    public void Track_FinishedPodsHoldingTheFinalizer_NamedUncountedAndReleased()
    {
        var status = new V1JobStatus();

        var release = JobTracking.Track([Pod("ok", "Succeeded", Start), Pod("bad", "Failed", Start), Pod("busy")], status, _ => true);

        Assert.Equal(["uid-ok"], status.UncountedTerminatedPods.Succeeded);
        Assert.Equal(["uid-bad"], status.UncountedTerminatedPods.Failed);
        Assert.Equal((null, null), (status.Succeeded, status.Failed));
        Assert.Equal(["bad", "ok"], release.Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public void Track_UncountedPodsWhoseFinalizerWentOrThatAreGone_CountedForGood()
    {
        var status = new V1JobStatus
        {
            Succeeded = 2,
            Failed = 1,
            UncountedTerminatedPods = new V1UncountedTerminatedPods { Succeeded = ["uid-a", "uid-b", "uid-c"], Failed = ["uid-d"] },
        };

        // a lost its finalizer, b is gone; c still holds it (its release is tried again); d is gone.
        var release = JobTracking.Track([Untracked(Pod("a", "Succeeded", Start)), Pod("c", "Succeeded", Start)], status, _ => true);

        Assert.Equal((4, 2), (status.Succeeded, status.Failed));
        Assert.Equal(["uid-c"], status.UncountedTerminatedPods.Succeeded);
        Assert.Empty(status.UncountedTerminatedPods.Failed);
        Assert.Equal(["c"], release.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Track_RunningPodBeingDeleted_ReleasedWithoutCounting()
    {
        var status = new V1JobStatus();

        var release = JobTracking.Track([Pod("going", terminating: true)], status, _ => true);

        Assert.Equal(["going"], release.Select(p => p.Metadata.Name));
        Assert.Equal(0, JobTracking.Uncounted(status));
    }

    [Fact]
    public void Track_FailureThePolicyIgnores_ReleasedNotCounted()
    {
        var status = new V1JobStatus();

        var release = JobTracking.Track([Pod("evicted", "Failed", Start)], status, _ => false);

        Assert.Single(release);
        Assert.Equal(0, JobTracking.Uncounted(status));
    }

    [Fact]
    public void Plan_CountedPodsDeletedMidRun_CountKeptAndOnlyTheMissingCompletionRun()
    {
        // Four pods succeeded and were counted for good; someone deleted them all (kubectl delete, pod GC).
        var job = Job(completions: 5, parallelism: 2, status: new V1JobStatus { Succeeded = 4, StartTime = Start.UtcDateTime });

        var plan = JobPlanner.Plan(job, [], Start);
        var fifth = JobPlanner.Plan(Job(completions: 5, parallelism: 2, status: plan.Status), [Pod("e", "Succeeded", Start)], Start);
        var done = JobPlanner.Plan(Job(completions: 5, parallelism: 2, status: fifth.Status), [Untracked(Pod("e", "Succeeded", Start))], Start);

        Assert.Single(plan.Create);
        Assert.Empty(fifth.Create);
        Assert.Equal((5, "True"), (done.Status.Succeeded, done.Status.Conditions?.FirstOrDefault(c => c.Type == JobFacts.Complete)?.Status));
    }
}

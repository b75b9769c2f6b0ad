using System.Text.Json.Nodes;
using Cluster.Controllers.Jobs;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The job controller on a node's real registry and a fake clock; nothing runs the pods, so the test finishes them.</summary>
public sealed class JobControllerTests : IAsyncLifetime
{
    private BatchTestHost _test = null!;

    public async Task InitializeAsync() => _test = await BatchTestHost.StartAsync("job-node", jobs: true, cronJobs: false);

    public async Task DisposeAsync() => await _test.DisposeAsync();

    [Fact]
    public async Task Job_PodsSucceed_CompleteWithCountsAndThePodsKept()
    {
        await _test.CreateAsync(BuiltInKinds.Job, Manifest("pi", """ "completions":3,"parallelism":2 """));
        await _test.UntilAsync(() => _test.PodsOf("pi").Count == 2, "two pods (parallelism)");
        var job = _test.Get<V1Job>(BuiltInKinds.Job, "pi")!;
        Assert.All(_test.PodsOf("pi"), p =>
        {
            Assert.Equal(job.Metadata.Uid, p.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.Equal(("Job", "pi", job.Metadata.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        });

        foreach (var pod in _test.PodsOf("pi"))
        {
            await _test.FinishPodAsync(pod.Metadata.Name, succeeded: true);
        }

        await _test.UntilAsync(() => _test.PodsOf("pi").Count == 3, "the third pod, for the last completion");
        await _test.FinishPodAsync(_test.PodsOf("pi").Single(p => p.Status?.Phase != "Succeeded").Metadata.Name, succeeded: true);
        await _test.UntilAsync(() => JobFacts.IsSucceeded(_test.Get<V1Job>(BuiltInKinds.Job, "pi")!), "the Complete condition");

        var status = _test.Get<V1Job>(BuiltInKinds.Job, "pi")!.Status;
        Assert.Equal((3, (int?)null, (int?)null, 0), (status.Succeeded, status.Failed, status.Active, status.Ready));
        Assert.NotNull(status.StartTime);
        Assert.NotNull(status.CompletionTime);
        Assert.Equal(["SuccessCriteriaMet:CompletionsReached", "Complete:CompletionsReached"], status.Conditions.Select(c => c.Type + ":" + c.Reason));
        Assert.Equal(3, _test.PodsOf("pi").Count); // never a pod too many, and the finished ones stay
        await _test.UntilAsync(() => _test.Events("pi", "SuccessfulCreate").Count == 3 && _test.Events("pi", "Completed").Count == 1, "the Events");
    }

    [Fact]
    public async Task Job_FailuresPastBackoffLimit_WaitsTheBackoffThenFailed()
    {
        await _test.CreateAsync(BuiltInKinds.Job, Manifest("flaky", """ "backoffLimit":1 """));
        await _test.UntilAsync(() => _test.PodsOf("flaky").Count == 1, "the first pod");
        await _test.FinishPodAsync(_test.PodsOf("flaky")[0].Metadata.Name, succeeded: false);
        await _test.UntilAsync(() => _test.Get<V1Job>(BuiltInKinds.Job, "flaky")!.Status?.Failed == 1, "the failure counted");
        Assert.Single(_test.PodsOf("flaky")); // the back-off holds the replacement

        _test.Clock.Advance(JobBackoff.Initial);
        await _test.UntilAsync(() => _test.PodsOf("flaky").Count == 2, "the replacement after 10 s");
        await _test.FinishPodAsync(_test.PodsOf("flaky").Single(p => p.Status?.Phase != "Failed").Metadata.Name, succeeded: false);
        await _test.UntilAsync(() => JobFacts.TrueCondition(_test.Get<V1Job>(BuiltInKinds.Job, "flaky")!, JobFacts.Failed) is not null, "the Failed condition");

        var job = _test.Get<V1Job>(BuiltInKinds.Job, "flaky")!;
        var failed = JobFacts.TrueCondition(job, JobFacts.Failed)!;
        Assert.Equal(("BackoffLimitExceeded", "Job has reached the specified backoff limit"), (failed.Reason, failed.Message));
        Assert.NotNull(JobFacts.TrueCondition(job, JobFacts.FailureTarget));
        Assert.Equal(2, job.Status.Failed);
        Assert.Null(job.Status.CompletionTime);
        Assert.Equal(2, _test.PodsOf("flaky").Count);
    }

    [Fact]
    public async Task IndexedJob_PodPerIndex_WithIndexHostnameAndEnv_TtlDeletesTheFinishedJob()
    {
        await _test.CreateAsync(BuiltInKinds.Job, Manifest("idx", """ "completions":3,"parallelism":3,"completionMode":"Indexed","ttlSecondsAfterFinished":30 """));
        await _test.UntilAsync(() => _test.PodsOf("idx").Count == 3, "three pods");

        var pods = _test.PodsOf("idx");
        Assert.Equal(["0", "1", "2"], pods.Select(p => p.Metadata.Annotations[JobFacts.CompletionIndexKey]).Order(StringComparer.Ordinal));
        Assert.All(pods, p => Assert.Equal("idx-" + p.Metadata.Labels[JobFacts.CompletionIndexKey], p.Spec.Hostname));
        Assert.All(pods, p => Assert.StartsWith("idx-" + p.Metadata.Labels[JobFacts.CompletionIndexKey] + "-", p.Metadata.Name, StringComparison.Ordinal));
        Assert.All(pods, p => Assert.Contains(p.Spec.Containers[0].Env, e => e.Name == "JOB_COMPLETION_INDEX"));

        foreach (var pod in pods)
        {
            await _test.FinishPodAsync(pod.Metadata.Name, succeeded: true);
        }

        await _test.UntilAsync(() => _test.Get<V1Job>(BuiltInKinds.Job, "idx") is { } j && JobFacts.IsSucceeded(j), "the Complete condition");
        Assert.Equal("0-2", _test.Get<V1Job>(BuiltInKinds.Job, "idx")!.Status.CompletedIndexes);

        _test.Clock.Advance(TimeSpan.FromSeconds(30));
        await _test.UntilAsync(() => _test.Get<V1Job>(BuiltInKinds.Job, "idx") is null, "the job deleted after its TTL");
    }

    [Fact]
    public async Task Job_OrphanMatchingSelector_AdoptedAndCounted_RelabelledPodReleasedAndReplaced()
    {
        await _test.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"app":"batch"}},"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}""");
        await _test.UntilInformedAsync(BuiltInKinds.Pod, "stray");
        await _test.CreateAsync(BuiltInKinds.Job, """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"adopter"},"spec":{"completions":2,"parallelism":2,"manualSelector":true,
             "selector":{"matchLabels":{"app":"batch"}},
             "template":{"metadata":{"labels":{"app":"batch"}},"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}}}
            """);
        var uid = _test.Get<V1Job>(BuiltInKinds.Job, "adopter")!.Metadata.Uid;

        await _test.UntilAsync(() => _test.Get<V1Job>(BuiltInKinds.Job, "adopter")!.Status?.Active == 2, "two active: the orphan counted");
        var stray = _test.Get<V1Pod>(BuiltInKinds.Pod, "stray")!;
        var owner = Assert.Single(stray.Metadata.OwnerReferences);
        Assert.Equal(("batch/v1", "Job", "adopter", uid, true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(2, Owned(uid).Count); // only one pod made: the orphan is the other
        Assert.Single(_test.Events("adopter", "SuccessfulCreate"));

        await _test.Registry.PatchAsync(BuiltInKinds.Pod, BatchTestHost.Ns, "stray", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"app":"debug"}}}""")!, null, WriteOptions.Default, CancellationToken.None);

        await _test.UntilAsync(() => _test.Get<V1Pod>(BuiltInKinds.Pod, "stray")!.Metadata.OwnerReferences is null && Owned(uid).Count == 2, "the relabelled pod released and replaced");
        Assert.DoesNotContain("stray", Owned(uid).Select(p => p.Metadata.Name));
        await _test.UntilAsync(() => _test.Get<V1Job>(BuiltInKinds.Job, "adopter")!.Status?.Active == 2, "two active again");
    }

    private List<V1Pod> Owned(string uid) =>
        [.. _test.Registry.Cache(BuiltInKinds.Pod).List(BatchTestHost.Ns).Items.Select(p => k8s.KubernetesJson.Deserialize<V1Pod>(System.Text.Encoding.UTF8.GetString(p.Json)))
            .Where(p => p.Metadata.OwnerReferences?.Any(o => o.Uid == uid && o.Controller == true) == true)];

    [Fact]
    public async Task Job_SucceededPodsDeletedMidRun_CountKeptNoExtraCompletionRun()
    {
        await _test.CreateAsync(BuiltInKinds.Job, Manifest("tidy", """ "completions":3,"parallelism":2 """));
        await _test.UntilAsync(() => _test.PodsOf("tidy").Count == 2, "two pods");
        Assert.All(_test.PodsOf("tidy"), p => Assert.Contains(JobTracking.Finalizer, p.Metadata.Finalizers));
        foreach (var pod in _test.PodsOf("tidy"))
        {
            await _test.FinishPodAsync(pod.Metadata.Name, succeeded: true);
        }

        // Counted for good once their finalizers are off; then a user clears the finished pods away.
        await _test.UntilAsync(() => _test.Get<V1Job>(BuiltInKinds.Job, "tidy")!.Status?.Succeeded == 2 && _test.PodsOf("tidy").Count == 3, "two counted, the third started");
        foreach (var pod in _test.PodsOf("tidy").Where(p => p.Status?.Phase == "Succeeded"))
        {
            await _test.Registry.DeleteAsync(BuiltInKinds.Pod, BatchTestHost.Ns, pod.Metadata.Name, DeleteOptions.Default, CancellationToken.None);
        }

        await _test.UntilAsync(() => _test.PodsOf("tidy").Count == 1, "the finished pods gone");
        await _test.FinishPodAsync(_test.PodsOf("tidy")[0].Metadata.Name, succeeded: true);
        await _test.UntilAsync(() => JobFacts.IsSucceeded(_test.Get<V1Job>(BuiltInKinds.Job, "tidy")!), "the Complete condition");

        Assert.Equal(3, _test.Get<V1Job>(BuiltInKinds.Job, "tidy")!.Status.Succeeded);
        Assert.Single(_test.PodsOf("tidy")); // no fourth pod: the deleted ones stayed counted
        Assert.Empty(_test.PodsOf("tidy")[0].Metadata.Finalizers ?? []);
    }

    [Fact]
    public async Task Job_DeletedWhilePodsRun_FinalizersTakenOff()
    {
        await _test.CreateAsync(BuiltInKinds.Job, Manifest("short", """ "parallelism":2,"completions":2 """));
        await _test.UntilAsync(() => _test.PodsOf("short").Count == 2, "two pods");

        await _test.Registry.DeleteAsync(BuiltInKinds.Job, BatchTestHost.Ns, "short", new DeleteOptions(PropagationPolicy: "Background"), CancellationToken.None);

        // With no job left to count them, their finalizers are taken off (this host runs no garbage collector to delete them).
        await _test.UntilAsync(() => _test.PodsOf("short") is { Count: 2 } pods && pods.All(p => (p.Metadata.Finalizers ?? []).Count == 0), "the pods without the finalizer");
    }

    [Fact]
    public async Task Job_DeletedOrphaningItsPods_FinalizerTakenOff()
    {
        await _test.CreateAsync(BuiltInKinds.Job, Manifest("left", """ "parallelism":1,"completions":1 """));
        await _test.UntilAsync(() => _test.PodsOf("left").Count == 1, "the pod");

        await _test.Registry.DeleteAsync(BuiltInKinds.Job, BatchTestHost.Ns, "left", new DeleteOptions(PropagationPolicy: "Orphan"), CancellationToken.None);

        // The job waits for the garbage collector (not run here) to orphan its pods; being deleted, it counts them no more.
        await _test.UntilAsync(() => _test.PodsOf("left") is [{ } pod] && (pod.Metadata.Finalizers ?? []).Count == 0, "the pod without the finalizer");
    }

    [Fact]
    public async Task PodWithTheFinalizerButNoJob_FinalizerTakenOff()
    {
        // What the garbage collector leaves of an orphaned job pod: the finalizer, no owner.
        await _test.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"batch.kubernetes.io/job-name":"none"},"finalizers":["FINALIZER"]},"spec":{"containers":[{"name":"main","image":"busybox"}]}}"""
            .Replace("FINALIZER", JobTracking.Finalizer, StringComparison.Ordinal));

        await _test.UntilAsync(() => _test.Get<V1Pod>(BuiltInKinds.Pod, "stray") is { } pod && (pod.Metadata.Finalizers ?? []).Count == 0, "the finalizer off");
    }

    private static string Manifest(string name, string spec) =>
        "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + spec
        + ",\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]}}}}";
}

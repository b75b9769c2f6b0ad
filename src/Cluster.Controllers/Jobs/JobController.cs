using System.Runtime.CompilerServices;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Jobs;

/// <summary>
/// Runs Jobs to completion (upstream's job controller, with its ttlafterfinished part): a sync reads the job and the
/// pods it controls, plans with <see cref="JobPlanner"/>, creates the missing pods in slow-start batches and deletes
/// the surplus, writes the status, and deletes a finished job once its TTL has passed. What it creates or deletes is
/// expected (<see cref="Expectations"/>) until the pod informer shows it; until then a sync only writes status, so a
/// stale cache never makes it create a pod twice.
/// </summary>
public sealed partial class JobController : IReconciler
{
    private readonly SharedInformer _jobs;
    private readonly SharedInformer _pods;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ControllerRefManager _refs;
    private readonly OwnerLookup _owners;
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsedPods = [];

    public JobController(InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger)
    {
        _jobs = informers.For(BuiltInKinds.Job);
        _pods = informers.For(BuiltInKinds.Pod);
        _pods.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
        _refs = new ControllerRefManager(writer, logger);
        _owners = new OwnerLookup(_jobs);
        Expectations = new UidTrackingExpectations(clock);
    }

    public string Name => "job";

    /// <summary>The pods each job has asked for or deleted and not yet seen come or go.</summary>
    public UidTrackingExpectations Expectations { get; }

    /// <summary>
    /// Has the informers' events enqueue job keys on <paramref name="loop"/>, lowering the expectations as pods come
    /// and go. Every change of a job's pod concerns it: a phase change is a success or a failure to count.
    /// </summary>
    public void Watch(ReconcileLoop loop)
    {
        _owners.Watch(loop, _pods, Expectations);
        _pods.AddHandler(new UntrackedPodEvents(this, loop));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (key.StartsWith(PodKeyPrefix, StringComparison.Ordinal))
        {
            await ReleaseIfNoJobCountsAsync(key[PodKeyPrefix.Length..], ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_jobs.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            Expectations.Delete(key);

            // The job is gone: no one counts its pods any more, so their finalizers go (the garbage collector takes them).
            await ReleaseAsync([.. _pods.ByIndex(Indexers.Namespace, key[..slash]).Select(Parsed)
                .Where(p => JobTracking.Tracked(p) && PodFacts.ControllerOf(p.Metadata) is { Kind: "Job" } c && c.Name == key[(slash + 1)..])], ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var job = cached.As<V1Job>();
        if (job.Metadata.DeletionTimestamp is not null)
        {
            // The garbage collector takes its pods; nothing counts them any more, so their finalizers go.
            await ReleaseAsync([.. _pods.ByIndex(Indexers.OwnerUid, job.Metadata.Uid).Select(Parsed).Where(JobTracking.Tracked)], ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        // Asked before the pods are read, as upstream: a pod arriving in between could otherwise be created twice.
        var mayAct = Expectations.Satisfied(key);
        var pods = await PodsAsync(cached, job, ct).ConfigureAwait(false);
        var plan = JobPlanner.Plan(job, pods, _clock.GetUtcNow());
        if (plan.DeleteJob)
        {
            await DeleteJobAsync(job, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        Exception? failure = null;
        if (mayAct)
        {
            failure = await DeletePodsAsync(key, job, plan.Delete, ct).ConfigureAwait(false);
            failure ??= await CreatePodsAsync(key, job, plan.Create, ct).ConfigureAwait(false);
        }

        if (await WriteStatusAsync(cached, job, plan, ct).ConfigureAwait(false))
        {
            // Only once the status naming them is stored (JobTracking).
            await ReleaseAsync(plan.Release, ct).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw new JobSyncException(key, failure);
        }

        return plan.RequeueAfter is { } after ? new ReconcileResult(after > TimeSpan.Zero ? after : TimeSpan.FromMilliseconds(1)) : ReconcileResult.Done;
    }

    /// <summary>
    /// Upstream's getPodsForJob: the pods the job controls, after adopting the orphans its selector matches and
    /// releasing its own that no longer match. A finished job claims nothing (upstream's sync returns before), and
    /// one without a valid selector only counts the pods it already controls.
    /// </summary>
    private async Task<List<V1Pod>> PodsAsync(CachedObject cached, V1Job job, CancellationToken ct)
    {
        var owner = ClaimOwner.Of(BuiltInKinds.Job, job.Metadata);
        if (JobFacts.IsFinished(job) || OwnerLookup.SpecSelector(cached) is not { IsEverything: false } selector)
        {
            return [.. _pods.ByIndex(Indexers.OwnerUid, owner.Uid).Where(p => p.Namespace == owner.Namespace)
                .Select(Parsed).Where(p => PodFacts.ControllerOf(p.Metadata)?.Uid == owner.Uid)];
        }

        return await _refs.ClaimPodsAsync(_pods, owner, selector, Parsed, ct).ConfigureAwait(false);
    }

    private V1Pod Parsed(CachedObject pod) => _parsedPods.GetValue(pod, CachedObjectJson.As<V1Pod>);

    private async Task<Exception?> CreatePodsAsync(string key, V1Job job, IReadOnlyList<int?> indexes, CancellationToken ct)
    {
        if (indexes.Count == 0)
        {
            return null;
        }

        LogCreating(_logger, key, indexes.Count);
        Expectations.ExpectCreations(key, indexes.Count);
        var (created, failure) = await SlowStart.BatchAsync(indexes.Count, 1, (i, c) => CreatePodAsync(job, indexes[i], c), ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();

        // Pods never created will never be seen: they must not hold the job back.
        for (var i = created; i < indexes.Count; i++)
        {
            Expectations.CreationObserved(key);
        }

        return failure;
    }

    private async Task<Exception?> DeletePodsAsync(string key, V1Job job, IReadOnlyList<V1Pod> pods, CancellationToken ct)
    {
        if (pods.Count == 0)
        {
            return null;
        }

        LogDeleting(_logger, key, pods.Count);
        Expectations.ExpectDeletions(key, [.. pods.Select(PodFacts.Key)]);
        var failures = await Task.WhenAll(pods.Select(p => DeletePodAsync(key, job, p, ct))).ConfigureAwait(false);
        return failures.FirstOrDefault(f => f is not null);
    }

    /// <summary>What the job's Events are about.</summary>
    private static V1ObjectReference Reference(V1Job job) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        NamespaceProperty = job.Metadata.NamespaceProperty,
        Name = job.Metadata.Name,
        Uid = job.Metadata.Uid,
        ResourceVersion = job.Metadata.ResourceVersion,
    };

    /// <summary>A create or delete failed; the sync is retried with back-off after the status is written.</summary>
    private sealed class JobSyncException(string key, Exception inner) : Exception($"syncing job {key}: {inner.Message}", inner);

    [LoggerMessage(EventId = 7901, Level = LogLevel.Debug, Message = "Job {Key}: creating {Count} pods")]
    private static partial void LogCreating(ILogger logger, string key, int count);

    [LoggerMessage(EventId = 7902, Level = LogLevel.Debug, Message = "Job {Key}: deleting {Count} pods")]
    private static partial void LogDeleting(ILogger logger, string key, int count);
}

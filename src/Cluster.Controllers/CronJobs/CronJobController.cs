using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Jobs;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.CronJobs;

/// <summary>
/// Starts a CronJob's Jobs on its schedule (upstream's cronjob controllerv2): a sync brings status.active up to date
/// with the Jobs, starts the Job due now (<see cref="CronJobPlanner.Decide"/>), prunes the history beyond its limits,
/// writes the status and asks to be synced again at the next start time, on the injected clock. A Job's name is
/// derived from its start time, so a restarted controller that tries the same start again meets 409, not a twin.
/// </summary>
public sealed partial class CronJobController : IReconciler
{
    private readonly SharedInformer _cronJobs;
    private readonly SharedInformer _jobs;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<CachedObject, V1Job> _parsedJobs = [];

    /// <summary>Jobs created and not yet seen by the informer (uid → when): not "missing" from status.active meanwhile.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unseen = new(StringComparer.Ordinal);

    /// <summary>
    /// The resourceVersion of each CronJob's last status write (key → version). A sync on an older cached version would
    /// miss the Jobs that write recorded as active (Forbid would start a second one); it waits for the informer instead,
    /// whose event for that write enqueues the key again. Upstream re-reads the CronJob live for the same reason.
    /// </summary>
    private readonly ConcurrentDictionary<string, long> _statusWritten = new(StringComparer.Ordinal);

    public CronJobController(InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger)
    {
        _cronJobs = informers.For(BuiltInKinds.CronJob);
        _jobs = informers.For(BuiltInKinds.Job);
        _jobs.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "cronjob";

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_cronJobs.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            _statusWritten.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        if (_statusWritten.TryGetValue(key, out var written) && cached.ResourceVersion < written)
        {
            return ReconcileResult.Done;
        }

        var cj = cached.As<V1CronJob>();
        var now = _clock.GetUtcNow();
        var jobs = OwnedJobs(cj);
        var (status, events) = CronJobPlanner.SyncActive(cj, jobs, UnseenSince(now));
        var stored = cj.Status;
        cj.Status = status;
        var decision = CronJobPlanner.Decide(cj, now, _clock.LocalTimeZone);
        events.AddRange(decision.Events);
        Exception? failure = null;
        try
        {
            if (decision.Start is { } scheduled)
            {
                if (decision.ReplaceActive)
                {
                    await ReplaceActiveAsync(cj, events, ct).ConfigureAwait(false);
                }

                await StartAsync(cj, scheduled, events, ct).ConfigureAwait(false);
            }

            foreach (var job in CronJobPlanner.Prune(cj, jobs))
            {
                await DeleteJobAsync(cj, job.Metadata.Name, job.Metadata.Uid, events, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e;
        }

        await WriteStatusAsync(cached, cj, stored, events, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new CronJobSyncException(key, failure);
        }

        return decision.RequeueAfter is { } after ? new ReconcileResult(after) : ReconcileResult.Done;
    }

    private List<V1Job> OwnedJobs(V1CronJob cj) =>
        [.. _jobs.ByIndex(Indexers.OwnerUid, cj.Metadata.Uid)
            .Where(j => j.Namespace == cj.Metadata.NamespaceProperty)
            .Select(j => _parsedJobs.GetValue(j, CachedObjectJson.As<V1Job>))
            .Where(j => PodFacts.ControllerOf(j.Metadata)?.Uid == cj.Metadata.Uid)];

    /// <summary>The uids still unseen; those unseen for longer than expectations wait are given up (a lost watch event).</summary>
    private HashSet<string> UnseenSince(DateTimeOffset now)
    {
        foreach (var (uid, since) in _unseen)
        {
            if (now - since > Expectations.Timeout)
            {
                _unseen.TryRemove(uid, out _);
            }
        }

        return [.. _unseen.Keys];
    }

    /// <summary>concurrencyPolicy Replace: the running Jobs go before the new one starts.</summary>
    private async Task ReplaceActiveAsync(V1CronJob cj, List<JobEvent> events, CancellationToken ct)
    {
        foreach (var active in (cj.Status?.Active ?? []).ToList())
        {
            await DeleteJobAsync(cj, active.Name, active.Uid, events, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the Job of <paramref name="scheduled"/> and records it in the status; one that exists already and is ours is adopted into it.</summary>
    private async Task StartAsync(V1CronJob cj, DateTimeOffset scheduled, List<JobEvent> events, CancellationToken ct)
    {
        var job = CronJobPlanner.JobFor(cj, scheduled);
        string uid;
        try
        {
            var created = await _writer.CreateAsync(BuiltInKinds.Job, cj.Metadata.NamespaceProperty, JsonNode.Parse(KubernetesJson.Serialize(job))!.AsObject(), ct).ConfigureAwait(false);
            uid = ObjectMeta.Uid(created) ?? "";
            _unseen[uid] = _clock.GetUtcNow();
            events.Add(new JobEvent("Normal", "SuccessfulCreate", "Created job " + job.Metadata.Name));
            LogStarted(_logger, cj.Metadata.NamespaceProperty, cj.Metadata.Name, job.Metadata.Name);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Started before (by a predecessor that stopped before writing the status): adopted if ours, else left alone.
            if (_jobs.Get(cj.Metadata.NamespaceProperty, job.Metadata.Name) is not { } existing)
            {
                throw; // not seen yet: retried once the informer has it
            }

            var owner = PodFacts.ControllerOf(existing.As<V1Job>().Metadata);
            if (owner?.Uid != cj.Metadata.Uid || cj.Status?.Active?.Any(a => a.Uid == existing.Uid) == true)
            {
                return;
            }

            uid = existing.Uid ?? "";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            events.Add(new JobEvent("Warning", "FailedCreate", "Error creating job: " + e.Message));
            throw;
        }

        cj.Status ??= new V1CronJobStatus();
        cj.Status.Active = [.. cj.Status.Active ?? [], new V1ObjectReference
        {
            ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, NamespaceProperty = cj.Metadata.NamespaceProperty, Uid = uid,
        }];
        cj.Status.LastScheduleTime = scheduled.UtcDateTime;
    }

    /// <summary>Upstream's deleteJob: the Job goes (its pods after it, by the garbage collector) and leaves status.active.</summary>
    private async Task DeleteJobAsync(V1CronJob cj, string name, string uid, List<JobEvent> events, CancellationToken ct)
    {
        try
        {
            await _writer.DeleteAsync(BuiltInKinds.Job, cj.Metadata.NamespaceProperty, name, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            events.Add(new JobEvent("Warning", "FailedDelete", $"Deleted job: {e.Message}"));
            throw;
        }

        events.Add(new JobEvent("Normal", "SuccessfulDelete", "Deleted job " + name));
        if (cj.Status?.Active is { } active)
        {
            cj.Status.Active = active.Where(a => a.Uid != uid).ToList() is { Count: > 0 } left ? left : null;
        }
    }

    /// <summary>Writes the status when it changed, then records the sync's Events; a 409 means a newer version, whose sync writes it.</summary>
    private async Task WriteStatusAsync(CachedObject cached, V1CronJob cj, V1CronJobStatus? stored, List<JobEvent> events, CancellationToken ct)
    {
        var status = cj.Status ?? new V1CronJobStatus();
        if (KubernetesJson.Serialize(stored ?? new V1CronJobStatus()) != KubernetesJson.Serialize(status))
        {
            var json = cached.ToJsonObject();
            json["status"] = JsonNode.Parse(KubernetesJson.Serialize(status));
            try
            {
                _statusWritten[cached.Key] = await _writer.UpdateStatusAsync(BuiltInKinds.CronJob, cj.Metadata.NamespaceProperty, cj.Metadata.Name, json, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                LogStatusConflict(_logger, cached.Key);
            }
        }

        var reference = new V1ObjectReference
        {
            ApiVersion = "batch/v1", Kind = "CronJob", NamespaceProperty = cj.Metadata.NamespaceProperty, Name = cj.Metadata.Name, Uid = cj.Metadata.Uid, ResourceVersion = cj.Metadata.ResourceVersion,
        };
        foreach (var e in events)
        {
            _events.Record(reference, e.Type, e.Reason, e.Message);
        }
    }

    private sealed class CronJobSyncException(string key, Exception inner) : Exception($"syncing cronjob {key}: {inner.Message}", inner);

    [LoggerMessage(EventId = 7951, Level = LogLevel.Information, Message = "CronJob {Namespace}/{Name}: started job {Job}")]
    private static partial void LogStarted(ILogger logger, string @namespace, string name, string job);

    [LoggerMessage(EventId = 7952, Level = LogLevel.Debug, Message = "CronJob {Key}: the status write met a newer version; its sync writes it")]
    private static partial void LogStatusConflict(ILogger logger, string key);
}

using System.Runtime.CompilerServices;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>
/// Keeps each ReplicaSet's (or ReplicationController's) number of pods (upstream's replicaset controller): a sync claims
/// the pods its selector matches (<see cref="ControllerRefManager"/>), creates the missing ones from its template in slow-start
/// batches or deletes the surplus least worth keeping (<see cref="PodRanking"/>), at most <see cref="BurstReplicas"/>
/// per sync, and writes the status (<see cref="ReplicaStatusPlanner"/>). What it creates or deletes is expected
/// (<see cref="Expectations"/>) until the pod informer shows it, and until then a sync only writes status: a stale
/// cache never makes it act twice on the same shortfall.
/// </summary>
public sealed partial class ReplicaSetController : IReconciler
{
    /// <summary>Upstream's BurstReplicas: the most pods one sync creates or deletes.</summary>
    public const int BurstReplicas = 500;

    private readonly ReplicaKind _kind;
    private readonly SharedInformer _sets;
    private readonly SharedInformer _pods;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly int _burst;
    private readonly ControllerRefManager _refs;
    private readonly OwnerLookup _owners;
    private readonly ConditionalWeakTable<CachedObject, ReplicaSetView> _views = [];
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _podViews = [];

    public ReplicaSetController(ReplicaKind kind, InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger, int burstReplicas = BurstReplicas)
    {
        _kind = kind;
        _sets = informers.For(kind.Kind);
        _pods = informers.For(BuiltInKinds.Pod);
        _pods.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
        _burst = burstReplicas;
        _refs = new ControllerRefManager(writer, logger);
        _owners = new OwnerLookup(_sets, s => View(s).Selector);
        Expectations = new UidTrackingExpectations(clock);
    }

    public string Name => _kind.Name;

    /// <summary>The pods each set has asked for or deleted and not yet seen come or go.</summary>
    public UidTrackingExpectations Expectations { get; }

    /// <summary>Has the informers' events enqueue set keys on <paramref name="loop"/>, lowering the expectations as pods come and go.</summary>
    public void Watch(ReconcileLoop loop) => _owners.Watch(loop, _pods, Expectations);

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_sets.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            Expectations.Delete(key);
            return ReconcileResult.Done;
        }

        var set = View(cached);
        if (set.Selector is not { } selector)
        {
            LogBadSelector(_logger, _kind.Name, key);
            return ReconcileResult.Done;
        }

        // Asked before the pods are read, as upstream: asked after, a pod arriving in between could satisfy the
        // expectations while the pods read lack it, and the sync would create it again.
        var mayAct = Expectations.Satisfied(key);

        // Upstream's claimPods: only active pods are claimed (a finished one is no replica to adopt or release).
        var owner = ClaimOwner.Of(_kind.Kind, set.Metadata);
        var owned = await _refs.ClaimPodsAsync(_pods, owner, selector, PodView, ct, consider: PodFacts.IsActive).ConfigureAwait(false);

        Exception? failure = null;
        if (mayAct && !set.Deleting)
        {
            failure = await ManageAsync(set, owned, ct).ConfigureAwait(false);
        }

        var now = _clock.GetUtcNow();
        await WriteStatusAsync(set, ReplicaStatusPlanner.Calculate(set, owned, failure, now), ct).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new ReplicaFailureException(key, failure);
        }

        return ReplicaStatusPlanner.NextAvailableIn(set, owned, now) is { } wait ? new ReconcileResult(wait) : ReconcileResult.Done;
    }

    /// <summary>Upstream's manageReplicas: creates or deletes toward spec.replicas; the first failure, if any.</summary>
    private async Task<Exception?> ManageAsync(ReplicaSetView set, List<V1Pod> owned, CancellationToken ct)
    {
        var diff = owned.Count - set.Replicas;
        if (diff < 0)
        {
            var count = Math.Min(-diff, _burst);
            LogTooFew(_logger, _kind.Name, set.Key, owned.Count, set.Replicas, count);
            Expectations.ExpectCreations(set.Key, count);
            var (created, failure) = await SlowStart.BatchAsync(count, 1, (_, c) => CreatePodAsync(set, c), ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested(); // stopping: not a failure to report in the status

            // Pods never created will never be seen: they must not hold the set back.
            for (var i = created; i < count; i++)
            {
                Expectations.CreationObserved(set.Key);
            }

            return failure;
        }

        if (diff > 0)
        {
            var count = Math.Min(diff, _burst);
            LogTooMany(_logger, _kind.Name, set.Key, owned.Count, set.Replicas, count);
            var doomed = PodRanking.PodsToDelete(owned, RelatedPods(set), count, _clock.GetUtcNow());
            Expectations.ExpectDeletions(set.Key, [.. doomed.Select(PodFacts.Key)]);
            var failures = await Task.WhenAll(doomed.Select(p => DeletePodAsync(set, p, ct))).ConfigureAwait(false);
            return failures.FirstOrDefault(f => f is not null);
        }

        return null;
    }

    /// <summary>
    /// Upstream's getIndirectlyRelatedPods: the pods the selectors of every set with the same controller as this one
    /// (the Deployment's other ReplicaSets) match, which rank nodes for a scale-down; none for a set without a controller.
    /// </summary>
    private List<V1Pod> RelatedPods(ReplicaSetView set)
    {
        if (PodFacts.ControllerOf(set.Metadata) is not { } controller)
        {
            return [];
        }

        var siblings = _sets.ByIndex(Indexers.Namespace, set.Namespace).Select(View)
            .Where(s => s.Selector is not null && PodFacts.ControllerOf(s.Metadata)?.Uid == controller.Uid)
            .ToList();
        return [.. _pods.ByIndex(Indexers.Namespace, set.Namespace)
            .Where(p => siblings.Any(s => s.Selector!.Matches(p.Labels)))
            .Select(PodView)];
    }

    /// <summary>A cached version read once: versions are immutable, and the table lets a version's view go with it.</summary>
    private ReplicaSetView View(CachedObject cached) => _views.GetValue(cached, _kind.Read);

    /// <summary>
    /// A pod version parsed once, not on every sync of its set (a sync reads all the set's pods, thousands of them);
    /// the controller never changes the models it reads.
    /// </summary>
    private V1Pod PodView(CachedObject cached) => _podViews.GetValue(cached, static c => c.As<V1Pod>());

    /// <summary>A create or delete failed; the sync is retried with back-off after the status says so.</summary>
    private sealed class ReplicaFailureException(string key, Exception inner) : Exception($"syncing {key}: {inner.Message}", inner);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Debug, Message = "{Controller} {Key}: {Have} of {Want} replicas, creating {Count}")]
    private static partial void LogTooFew(ILogger logger, string controller, string key, int have, int want, int count);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Debug, Message = "{Controller} {Key}: {Have} of {Want} replicas, deleting {Count}")]
    private static partial void LogTooMany(ILogger logger, string controller, string key, int have, int want, int count);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "{Controller} {Key}: the selector is malformed; nothing is done until it changes")]
    private static partial void LogBadSelector(ILogger logger, string controller, string key);
}

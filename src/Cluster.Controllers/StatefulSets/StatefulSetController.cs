using System.Runtime.CompilerServices;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.History;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.StatefulSets;

/// <summary>
/// Runs each StatefulSet's pods under stable names and ordinals with their own claims (upstream's statefulset
/// controller). A sync resolves the set's current and update revisions in its ControllerRevision history, plans with
/// <see cref="StatefulSetPlanner"/>, carries the writes out in order (the first failure stops the rest and the key is
/// retried), writes the status and trims the history. Pods have fixed names, so a stale cache makes a create meet
/// 409, never a second pod: no expectations are needed, as upstream has none.
/// </summary>
public sealed partial class StatefulSetController : IReconciler
{
    private readonly SharedInformer _sets;
    private readonly SharedInformer _pods;
    private readonly SharedInformer _claims;
    private readonly ControllerRevisions _history;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ControllerRefManager _refs;
    private readonly OwnerLookup _owners;
    private readonly ConditionalWeakTable<CachedObject, V1StatefulSet> _parsedSets = [];
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsedPods = [];

    public StatefulSetController(InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger)
    {
        _sets = informers.For(BuiltInKinds.StatefulSet);
        _pods = informers.For(BuiltInKinds.Pod);
        _pods.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        _claims = informers.For(BuiltInKinds.PersistentVolumeClaim);
        _history = new ControllerRevisions(informers, writer);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
        _refs = new ControllerRefManager(writer, logger);
        _owners = new OwnerLookup(_sets);
    }

    public string Name => "statefulset";

    public void Watch(ReconcileLoop loop)
    {
        _owners.Watch(loop, _pods);
        _history.Informer.AddHandler(new DependentEvents(_owners, loop));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_sets.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var set = _parsedSets.GetValue(cached, CachedObjectJson.As<V1StatefulSet>);
        if (!LabelSelector.TryFromJson(cached.ToJsonObject()["spec"]?["selector"], out var selector, out _) || selector.IsEverything)
        {
            LogBadSelector(_logger, key);
            return ReconcileResult.Done;
        }

        if (set.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done; // the garbage collector takes its pods and revisions
        }

        // Upstream's adoptOrphanRevisions and getPodsForStatefulSet: a pod is the set's only while its name is one of
        // the set's (isMemberOf) as well as matching.
        var owner = ClaimOwner.Of(BuiltInKinds.StatefulSet, set.Metadata);
        var revisions = await _history.ClaimAsync(_refs, owner, selector, ct).ConfigureAwait(false);
        var (current, update, collisionCount) = await RevisionsAsync(set, revisions, ct).ConfigureAwait(false);
        var pods = await _refs.ClaimPodsAsync(_pods, owner, selector, p => _parsedPods.GetValue(p, CachedObjectJson.As<V1Pod>), ct,
            filter: p => StatefulPods.ParentAndOrdinal(p.Metadata.Name).Parent == set.Metadata.Name).ConfigureAwait(false);
        var claims = _claims.ByIndex(Indexers.Namespace, set.Metadata.NamespaceProperty).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var plan = StatefulSetPlanner.Plan(set, current, update, collisionCount, pods, claims, _clock.GetUtcNow());
        LogPlanned(_logger, key, plan.Steps.Count);

        // The claims' owners first, so a claim of a pod about to be scaled down already goes with it.
        var retention = ClaimRetention.Plan(set, pods, name => _claims.Get(set.Metadata.NamespaceProperty, name)?.As<V1PersistentVolumeClaim>());
        var failure = await ExecuteAsync(set, [.. retention, .. plan.Steps], ct).ConfigureAwait(false);
        await WriteStatusAsync(cached, set, plan.Status, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new StatefulSetSyncException(key, failure);
        }

        var live = new HashSet<string>(pods.Select(StatefulPods.Revision), StringComparer.Ordinal) { current.Name, update.Name };
        await _history.DeleteAsync(RevisionHistory.ToTruncate(revisions, r => live.Contains(r.Name), set.Spec.RevisionHistoryLimit ?? 10), ct).ConfigureAwait(false);
        return new ReconcileResult(StatefulSetPlanner.RequeueAfter(set, plan.Status));
    }

    /// <summary>
    /// Upstream's getStatefulSetRevisions: the update revision holds the template (made, or an older one renumbered for
    /// a rollback); the current one is the status's, or the update revision when the history starts.
    /// </summary>
    private async Task<(RevisionTemplate Current, RevisionTemplate Update, int? CollisionCount)> RevisionsAsync(V1StatefulSet set, List<Revision> revisions, CancellationToken ct)
    {
        var data = RevisionData.Of(set.Spec.Template);
        var canonical = RevisionData.Canonical(data);
        var owner = new RevisionOwner(set.Metadata, StatefulPods.ControllerRef(set), set.Spec.Template.Metadata?.Labels, RevisionHash.HashLabel, c => RevisionHash.Compute(canonical, c));
        var stored = set.Status?.CollisionCount;
        var (update, collisions) = await _history.EnsureAsync(owner, RevisionHistory.Resolve(revisions, canonical), data, stored ?? 0, ct).ConfigureAwait(false);
        var current = revisions.FirstOrDefault(r => r.Name == set.Status?.CurrentRevision) ?? update;
        return (new RevisionTemplate(current.Name, RevisionData.Template(current.Data)), new RevisionTemplate(update.Name, set.Spec.Template), stored is null && collisions == 0 ? null : collisions);
    }

    /// <summary>A write failed; the sync is retried with back-off after the status is written.</summary>
    private sealed class StatefulSetSyncException(string key, Exception inner) : Exception($"syncing stateful set {key}: {inner.Message}", inner);

    [LoggerMessage(EventId = 8021, Level = LogLevel.Warning, Message = "StatefulSet {Key}: the selector is malformed or empty; nothing is done until it changes")]
    private static partial void LogBadSelector(ILogger logger, string key);

    [LoggerMessage(EventId = 8022, Level = LogLevel.Debug, Message = "StatefulSet {Key}: {Steps} writes planned")]
    private static partial void LogPlanned(ILogger logger, string key, int steps);
}

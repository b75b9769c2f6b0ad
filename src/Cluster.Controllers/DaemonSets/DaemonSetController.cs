using System.Runtime.CompilerServices;
using Cluster.Controllers.Deployments;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.History;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.DaemonSets;

/// <summary>
/// Runs one pod of each DaemonSet on every node that should run it (upstream's daemonset controller). A sync makes
/// sure the set's template has a ControllerRevision (its hash labels the pods), plans with <see cref="DaemonSetPlanner"/>
/// (create where missing, delete where not wanted or surplus, then roll old pods while the expectations are met),
/// trims the history to revisionHistoryLimit and writes the status. Pods are made pinned to their node by a required
/// node affinity on its name; the scheduler binds them. What it creates or deletes is expected until the pod informer
/// shows it, and until then a sync only writes status.
/// </summary>
public sealed partial class DaemonSetController : IReconciler
{
    private readonly SharedInformer _sets;
    private readonly SharedInformer _pods;
    private readonly SharedInformer _nodes;
    private readonly ControllerRevisions _history;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ControllerRefManager _refs;
    private readonly OwnerLookup _owners;
    private readonly ConditionalWeakTable<CachedObject, V1DaemonSet> _parsedSets = [];
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsedPods = [];
    private readonly ConditionalWeakTable<CachedObject, V1Node> _parsedNodes = [];

    public DaemonSetController(InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger)
    {
        _sets = informers.For(BuiltInKinds.DaemonSet);
        _pods = informers.For(BuiltInKinds.Pod);
        _pods.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        _nodes = informers.For(BuiltInKinds.Node);
        _history = new ControllerRevisions(informers, writer);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
        _refs = new ControllerRefManager(writer, logger);
        _owners = new OwnerLookup(_sets);
        Expectations = new UidTrackingExpectations(clock);
    }

    public string Name => "daemonset";

    /// <summary>The pods each DaemonSet has asked for or deleted and not yet seen come or go.</summary>
    public UidTrackingExpectations Expectations { get; }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_sets.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            Expectations.Delete(key);
            return ReconcileResult.Done;
        }

        var ds = _parsedSets.GetValue(cached, CachedObjectJson.As<V1DaemonSet>);
        if (!LabelSelector.TryFromJson(cached.ToJsonObject()["spec"]?["selector"], out var selector, out _) || selector.IsEverything)
        {
            LogBadSelector(_logger, key);
            return ReconcileResult.Done;
        }

        if (ds.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done; // the garbage collector takes its pods and revisions
        }

        var owner = ClaimOwner.Of(BuiltInKinds.DaemonSet, ds.Metadata);
        var (revision, collisionCount, old) = await ConstructHistoryAsync(ds, owner, selector, ct).ConfigureAwait(false);
        var hash = PodFacts.Labels(revision.Metadata).GetValueOrDefault(DaemonPods.HashLabel) ?? revision.Name[(revision.Name.LastIndexOf('-') + 1)..];

        // Asked before the pods are read, as upstream: a pod arriving in between must not satisfy them unseen.
        var mayAct = Expectations.Satisfied(key);
        var pods = await _refs.ClaimPodsAsync(_pods, owner, selector, p => _parsedPods.GetValue(p, CachedObjectJson.As<V1Pod>), ct).ConfigureAwait(false);
        var nodes = _nodes.List().Select(n => _parsedNodes.GetValue(n, CachedObjectJson.As<V1Node>));
        var (daemonNodes, stray) = DaemonSetPlanner.Nodes(ds, nodes, pods);
        var now = _clock.GetUtcNow();

        Exception? failure = null;
        if (mayAct)
        {
            var plan = DaemonSetPlanner.Manage(ds, daemonNodes, stray, hash, now);
            if (plan.CreateOn.Count == 0 && plan.Delete.Count == 0 && DaemonSetPlanner.IsRollingUpdate(ds))
            {
                plan = DaemonSetPlanner.RollingUpdate(ds, daemonNodes, hash, now);
            }

            failure = await SyncNodesAsync(ds, key, plan, hash, ct).ConfigureAwait(false);
            var live = pods.Select(p => PodFacts.Labels(p.Metadata).GetValueOrDefault(DaemonPods.HashLabel)).ToHashSet(StringComparer.Ordinal);
            await _history.DeleteAsync(RevisionHistory.ToTruncate(old, r => live.Contains(PodFacts.Labels(r.Metadata).GetValueOrDefault(DaemonPods.HashLabel) ?? ""), ds.Spec.RevisionHistoryLimit ?? 10), ct).ConfigureAwait(false);
        }

        var status = DaemonSetPlanner.Status(ds, daemonNodes, hash, collisionCount, now);
        await WriteStatusAsync(cached, ds, status, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new DaemonSetSyncException(key, failure);
        }

        return new ReconcileResult(DaemonSetPlanner.RequeueAfter(ds, status));
    }

    /// <summary>
    /// Upstream's constructHistory: the revision holding the template (made, or renumbered to the newest for a
    /// rollback), the collision count its name took, and the other revisions (orphans adopted first).
    /// </summary>
    private async Task<(Revision Current, int? CollisionCount, List<Revision> Old)> ConstructHistoryAsync(V1DaemonSet ds, ClaimOwner claimer, LabelSelector selector, CancellationToken ct)
    {
        var revisions = await _history.ClaimAsync(_refs, claimer, selector, ct).ConfigureAwait(false);
        var data = RevisionData.Of(ds.Spec.Template);
        var step = RevisionHistory.Resolve(revisions, RevisionData.Canonical(data));
        var stored = ds.Status?.CollisionCount;
        var owner = new RevisionOwner(ds.Metadata, DaemonPods.ControllerRef(ds), ds.Spec.Template.Metadata?.Labels, DaemonPods.HashLabel,
            c => PodTemplateHash.Compute(ds.Spec.Template, stored is null && c == 0 ? null : c));
        var (current, collisions) = await _history.EnsureAsync(owner, step, data, stored ?? 0, ct).ConfigureAwait(false);
        return (current, stored is null && collisions == 0 ? null : collisions, [.. revisions.Where(r => r.Name != current.Name)]);
    }

    /// <summary>A create or delete failed; the sync is retried with back-off after the status is written.</summary>
    private sealed class DaemonSetSyncException(string key, Exception inner) : Exception($"syncing daemon set {key}: {inner.Message}", inner);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "DaemonSet {Key}: the selector is malformed or empty; nothing is done until it changes")]
    private static partial void LogBadSelector(ILogger logger, string key);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Debug, Message = "DaemonSet {Key}: creating {Create} pods, deleting {Delete}")]
    private static partial void LogSyncNodes(ILogger logger, string key, int create, int delete);
}

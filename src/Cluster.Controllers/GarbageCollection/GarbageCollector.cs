using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.GarbageCollection;

/// <summary>
/// Upstream's garbage collector: watches every kind (events aside) into an <see cref="OwnershipGraph"/> and reconciles
/// objects by uid. A live object all of whose owners are absent is deleted; one with an owner left loses only its
/// references to the absent ones; an owner deleted with the <c>orphan</c> finalizer lets its dependents go, one deleted
/// with <c>foregroundDeletion</c> has them deleted and keeps the finalizer until none that blocks it remains. An owner
/// is only absent once a live read says so: a lagging informer never gets a dependent deleted.
/// </summary>
public sealed partial class GarbageCollector : IReconciler
{
    private const int UpdateAttempts = 5;

    private readonly KindCatalog _kinds;
    private readonly IReadOnlyList<SharedInformer> _informers;
    private readonly IGarbageClient _client;
    private readonly ILogger _logger;
    private Action<string> _enqueue = _ => { };

    public GarbageCollector(KindCatalog kinds, InformerFactory informers, IGarbageClient client, ILogger logger)
    {
        _kinds = kinds;
        _informers = [.. kinds.Kinds.Where(Collects).Select(informers.For)];
        _client = client;
        _logger = logger;
    }

    public string Name => "garbagecollector";

    public OwnershipGraph Graph { get; } = new();

    /// <summary>Upstream's ignoredResources: events are never owners worth a watch, and the most written kind.</summary>
    public static bool Collects(ResourceKind kind) => kind.Storage != BuiltInKinds.Event;

    /// <summary>Feeds the graph from every collected kind's informer and enqueues into <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _enqueue = loop.Enqueue;
        foreach (var informer in _informers)
        {
            informer.AddHandler(new GraphHandler(informer.Kind, Graph, loop.Enqueue));
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (Graph.Get(key) is not { } node)
        {
            return ReconcileResult.Done;
        }

        var dependents = Graph.Dependents(key);
        switch (GarbagePlanner.ForOwner(node, dependents))
        {
            case GarbageAction.Orphan orphan:
                await OrphanAsync(node, orphan.Dependents, ct).ConfigureAwait(false);
                return ReconcileResult.Done;
            case GarbageAction.DeleteDependents foreground:
                // Each dependent decides on its own: one with another solid owner only loses its reference to this one.
                foreach (var dependent in foreground.ToDelete)
                {
                    _enqueue(dependent.Uid);
                }

                if (!foreground.Blocked)
                {
                    await RemoveFinalizerAsync(node.Identity, GraphNode.ForegroundFinalizer, ct).ConfigureAwait(false);
                }

                return ReconcileResult.Done;
        }

        if (node.Deleting || node.Owners.Count == 0)
        {
            return ReconcileResult.Done;
        }

        var owners = await ClassifyOwnersAsync(node, ct).ConfigureAwait(false);
        switch (GarbagePlanner.ForDependent(node, owners, dependents.Count > 0))
        {
            case GarbageAction.Delete delete:
                LogDeleting(_logger, node.Identity.ToString(), delete.Policy);
                var options = new DeleteOptions(PropagationPolicy: delete.Policy, PreconditionUid: node.Uid);
                await _client.DeleteAsync(node.Identity.Kind, node.Identity.Namespace, node.Identity.Name, options, ct).ConfigureAwait(false);
                break;
            case GarbageAction.RemoveOwners remove:
                LogRemovingOwners(_logger, node.Identity.ToString(), string.Join(",", remove.Uids));
                await EditAsync(node.Identity, obj => MetadataEdits.RemoveOwnerReferences(obj, remove.Uids), ct).ConfigureAwait(false);
                break;
        }

        return ReconcileResult.Done;
    }

    /// <summary>Upstream's classifyReferences: the graph's word for owners it has, a live read for the others.</summary>
    private async Task<Dictionary<string, OwnerState>> ClassifyOwnersAsync(GraphNode node, CancellationToken ct)
    {
        var states = new Dictionary<string, OwnerState>(StringComparer.Ordinal);
        foreach (var owner in node.Owners)
        {
            states[owner.Uid] = Graph.Get(owner.Uid) is { } known ? StateOf(known) : await LiveStateAsync(node, owner, ct).ConfigureAwait(false);
        }

        return states;
    }

    private async Task<OwnerState> LiveStateAsync(GraphNode node, OwnerLink owner, CancellationToken ct)
    {
        if (_kinds.ByKind(owner.ApiVersion, owner.Kind)?.Storage is not { } kind || (kind.Namespaced && node.Identity.Namespace.Length == 0))
        {
            // Unresolvable: not knowing the owner is no proof it is gone.
            LogUnresolvable(_logger, node.Identity.ToString(), owner.ApiVersion, owner.Kind, owner.Name);
            return OwnerState.Solid;
        }

        var live = await _client.GetAsync(kind, kind.Namespaced ? node.Identity.Namespace : "", owner.Name, ct).ConfigureAwait(false);
        return live is null || GraphNode.From(kind, live) is not { } found || found.Uid != owner.Uid ? OwnerState.Dangling : StateOf(found);
    }

    private static OwnerState StateOf(GraphNode owner) => owner.DeletingDependents ? OwnerState.WaitingForDependents : OwnerState.Solid;

    /// <summary>Upstream's orphanDependents then removeFinalizer: every dependent loses its reference first.</summary>
    private async Task OrphanAsync(GraphNode owner, IReadOnlyList<GraphNode> dependents, CancellationToken ct)
    {
        var uids = new HashSet<string>([owner.Uid], StringComparer.Ordinal);
        foreach (var dependent in dependents)
        {
            await EditAsync(dependent.Identity, obj => MetadataEdits.RemoveOwnerReferences(obj, uids), ct).ConfigureAwait(false);
        }

        LogOrphaned(_logger, owner.Identity.ToString(), dependents.Count);
        await RemoveFinalizerAsync(owner.Identity, GraphNode.OrphanFinalizer, ct).ConfigureAwait(false);
    }

    private async Task RemoveFinalizerAsync(ObjectIdentity identity, string finalizer, CancellationToken ct)
    {
        if (await EditAsync(identity, obj => MetadataEdits.RemoveFinalizer(obj, finalizer), ct).ConfigureAwait(false))
        {
            LogFinalized(_logger, identity.ToString(), finalizer);
        }
    }

    /// <summary>
    /// Reads the object, edits it and writes it back under the version read, again on a conflict; false when the
    /// object is gone, is another incarnation, or needs no edit. Conflicts past the last attempt fail the reconcile.
    /// </summary>
    private async Task<bool> EditAsync(ObjectIdentity identity, Func<JsonObject, bool> edit, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var obj = await _client.GetAsync(identity.Kind, identity.Namespace, identity.Name, ct).ConfigureAwait(false);
            if (obj is null || obj["metadata"]?["uid"]?.GetValue<string>() != identity.Uid || !edit(obj))
            {
                return false;
            }

            try
            {
                await _client.UpdateAsync(identity.Kind, identity.Namespace, identity.Name, obj, ct).ConfigureAwait(false);
                return true;
            }
            catch (ApiException e) when (e.Code == 409 && attempt < UpdateAttempts)
            {
                LogConflict(_logger, identity.ToString(), attempt);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                return false;
            }
        }
    }

    [LoggerMessage(EventId = 7701, Level = LogLevel.Information, Message = "Garbage collector: {Object} has no owner left; deleting it ({Policy})")]
    private static partial void LogDeleting(ILogger logger, string @object, string policy);

    [LoggerMessage(EventId = 7702, Level = LogLevel.Information, Message = "Garbage collector: {Object} keeps an owner; removing its references to {Uids}")]
    private static partial void LogRemovingOwners(ILogger logger, string @object, string uids);

    [LoggerMessage(EventId = 7703, Level = LogLevel.Information, Message = "Garbage collector: {Object} orphaned its {Count} dependents")]
    private static partial void LogOrphaned(ILogger logger, string @object, int count);

    [LoggerMessage(EventId = 7704, Level = LogLevel.Information, Message = "Garbage collector: removed finalizer {Finalizer} from {Object}")]
    private static partial void LogFinalized(ILogger logger, string @object, string finalizer);

    [LoggerMessage(EventId = 7705, Level = LogLevel.Warning, Message = "Garbage collector: {Object} names owner {ApiVersion} {Kind} {Name}, which cannot be resolved; it is kept")]
    private static partial void LogUnresolvable(ILogger logger, string @object, string apiVersion, string kind, string name);

    [LoggerMessage(EventId = 7706, Level = LogLevel.Debug, Message = "Garbage collector: {Object} changed under an update (attempt {Attempt}); reading it again")]
    private static partial void LogConflict(ILogger logger, string @object, int attempt);
}

using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Deployments;

/// <summary>
/// Rolls Deployments out through their ReplicaSets (upstream's deployment controller): the reconcile plans the sync
/// (<see cref="DeploymentPlanner"/>) from the informers' Deployments, ReplicaSets and pods and carries the writes out
/// in order, stopping at the first failure (the key is retried on fresh state). The ReplicaSet controller turns the
/// ReplicaSets into pods and reports their counts, which this controller reads back as the deployment's status.
/// </summary>
public sealed partial class DeploymentController : IReconciler
{
    private readonly SharedInformer _deployments;
    private readonly SharedInformer _replicaSets;
    private readonly SharedInformer _pods;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ControllerRefManager _refs;
    private readonly OwnerLookup _owners;

    // Cached versions are immutable: each is parsed once, however many syncs read it (the planner copies what it changes).
    private readonly ConditionalWeakTable<CachedObject, V1ReplicaSet> _parsedReplicaSets = [];
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsedPods = [];
    private readonly ConditionalWeakTable<CachedObject, V1Deployment> _parsedDeployments = [];

    public DeploymentController(InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger)
    {
        _deployments = informers.For(BuiltInKinds.Deployment);
        _replicaSets = informers.For(BuiltInKinds.ReplicaSet);
        _pods = informers.For(BuiltInKinds.Pod);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
        _refs = new ControllerRefManager(writer, logger);
        _owners = new OwnerLookup(_deployments);
    }

    public string Name => "deployment";

    /// <summary>Has the informers' events enqueue Deployment keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _deployments.AddHandler(new EnqueueHandler(loop, (old, now) => [(now ?? old)!.Key]));
        _replicaSets.AddHandler(new DependentEvents(_owners, loop));

        // A Recreate rollout waits for the old pods to be gone: their deletion is its cue.
        _pods.AddHandler(new EnqueueHandler(loop, (old, now) => now is null && old is not null ? RecreateDeploymentOf(old) : []));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        if (_deployments.Get(ns, name) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var d = Deployment(cached);
        var replicaSets = _replicaSets.ByIndex(Indexers.Namespace, ns).Select(ReplicaSet).ToList();
        var pods = _pods.ByIndex(Indexers.Namespace, ns).Select(rs => _parsedPods.GetValue(rs, CachedObjectJson.As<V1Pod>));
        var plan = DeploymentPlanner.Plan(d, replicaSets, pods, _clock.GetUtcNow());
        LogPlanned(_logger, key, plan.Actions.Count);
        if (plan.Adopts && await _refs.CannotAdoptAsync(ClaimOwner.Of(BuiltInKinds.Deployment, d.Metadata), ct).ConfigureAwait(false) is { } why)
        {
            throw new InvalidOperationException($"can't adopt ReplicaSets for deployment {key}: {why}");
        }

        var deploymentWritten = false;
        foreach (var action in plan.Actions)
        {
            switch (action)
            {
                case CreateReplicaSet create:
                    await CreateAsync(cached, d, create, ct).ConfigureAwait(false);
                    break;
                case UpdateReplicaSet update:
                    await UpdateAsync(ns, update.ReplicaSet, ct).ConfigureAwait(false);
                    Record(d, update.Events);
                    break;
                case DeleteReplicaSet delete:
                    await _writer.DeleteAsync(BuiltInKinds.ReplicaSet, ns, delete.Name, ct).ConfigureAwait(false);
                    break;
                case SetDeploymentRevision revision:
                    await WriteRevisionAsync(cached, revision.Revision, ct).ConfigureAwait(false);
                    deploymentWritten = true;
                    break;
                case WriteDeploymentStatus status:
                    await WriteStatusAsync(cached, status.Status, deploymentWritten, ct).ConfigureAwait(false);
                    break;
                case RecordEvent e:
                    Record(d, [e.Event]);
                    break;
            }
        }

        return new ReconcileResult(plan.RequeueAfter);
    }

    private async Task CreateAsync(CachedObject cached, V1Deployment d, CreateReplicaSet create, CancellationToken ct)
    {
        var rs = create.ReplicaSet;
        rs.Metadata.CreationTimestamp = null;
        rs.Status = null;
        try
        {
            await _writer.CreateAsync(BuiltInKinds.ReplicaSet, rs.Metadata.NamespaceProperty, Json(rs), ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code != 409)
        {
            // A conflict is a stale cache (the next sync finds the ReplicaSet); anything else is reported on the deployment.
            LogCreateFailed(_logger, e, cached.Key, rs.Metadata.Name);
            if (DeploymentPlanner.CreateFailedStatus(d, rs.Metadata.Name, e.Message, _clock.GetUtcNow()) is { } failed)
            {
                await WriteStatusAsync(cached, failed, unconditional: false, ct).ConfigureAwait(false);
            }

            Record(d, [new PlannedEvent("Warning", DeploymentConditions.FailedRSCreateReason, DeploymentPlanner.CreateFailedMessage(rs.Metadata.Name, e.Message))]);
            throw;
        }

        Record(d, create.Events);
    }

    /// <summary>Replaces what the deployment controls of the stored ReplicaSet, at the informer's version (409 when it moved on).</summary>
    private async Task UpdateAsync(string ns, V1ReplicaSet rs, CancellationToken ct)
    {
        if (_replicaSets.Get(ns, rs.Metadata.Name) is not { } cached)
        {
            return; // gone meanwhile; its deletion enqueues the deployment again
        }

        var obj = cached.ToJsonObject();
        var metadata = (JsonObject)obj["metadata"]!;
        var spec = obj["spec"] as JsonObject ?? (JsonObject)(obj["spec"] = new JsonObject());
        spec["replicas"] = rs.Spec.Replicas;
        Put(spec, "minReadySeconds", rs.Spec.MinReadySeconds is { } ready and not 0 ? JsonValue.Create(ready) : null);
        Put(metadata, "annotations", rs.Metadata.Annotations is { Count: > 0 } annotations ? Json(annotations) : null);
        Put(metadata, "ownerReferences", rs.Metadata.OwnerReferences is { Count: > 0 } owners ? JsonNode.Parse(KubernetesJson.Serialize(owners)) : null);
        await _writer.UpdateAsync(BuiltInKinds.ReplicaSet, ns, rs.Metadata.Name, obj, ct).ConfigureAwait(false);
    }

    /// <summary>The revision annotation goes through the main resource: this registry's status writes keep metadata as stored.</summary>
    private Task WriteRevisionAsync(CachedObject cached, string revision, CancellationToken ct)
    {
        var obj = cached.ToJsonObject();
        var metadata = (JsonObject)obj["metadata"]!;
        (metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject()))[Revisions.Revision] = revision;
        return _writer.UpdateAsync(BuiltInKinds.Deployment, cached.Namespace, cached.Name, obj, ct);
    }

    /// <summary>
    /// Writes status at the informer's version; right after this sync's own metadata write (the revision) that version
    /// is the previous one, and nothing else was written between, so the write goes without a precondition.
    /// </summary>
    private Task<long> WriteStatusAsync(CachedObject cached, V1DeploymentStatus status, bool unconditional, CancellationToken ct)
    {
        var obj = cached.ToJsonObject();
        obj["status"] = Json(status);
        if (unconditional)
        {
            ((JsonObject)obj["metadata"]!).Remove("resourceVersion");
        }

        return _writer.UpdateStatusAsync(BuiltInKinds.Deployment, cached.Namespace, cached.Name, obj, ct);
    }

    private void Record(V1Deployment d, IEnumerable<PlannedEvent> events)
    {
        var regarding = new V1ObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = d.Metadata.Name, NamespaceProperty = d.Metadata.NamespaceProperty, Uid = d.Metadata.Uid };
        foreach (var e in events)
        {
            _events.Record(regarding, e.Type, e.Reason, e.Message);
        }
    }

    /// <summary>The Recreate deployment whose ReplicaSet controlled the pod (upstream's getDeploymentForPod).</summary>
    private List<string> RecreateDeploymentOf(CachedObject pod)
    {
        if (PodFacts.Peek(pod).Controller is not { Kind: "ReplicaSet" } owner || _replicaSets.Get(pod.Namespace, owner.Name) is not { } rs || rs.Uid != owner.Uid)
        {
            return [];
        }

        return _owners.Resolve(rs.Namespace, PodFacts.Peek(rs).Controller) is { } key && _deployments.Get(rs.Namespace, KeyName(key)) is { } d
            && Deployment(d).Spec?.Strategy?.Type == Fenceposts.Recreate ? [key] : [];
    }

    private static string KeyName(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private V1ReplicaSet ReplicaSet(CachedObject cached) => _parsedReplicaSets.GetValue(cached, CachedObjectJson.As<V1ReplicaSet>);

    private V1Deployment Deployment(CachedObject cached) => _parsedDeployments.GetValue(cached, CachedObjectJson.As<V1Deployment>);

    private static void Put(JsonObject obj, string key, JsonNode? value)
    {
        if (value is null)
        {
            obj.Remove(key);
        }
        else
        {
            obj[key] = value;
        }
    }


    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    [LoggerMessage(EventId = 7501, Level = LogLevel.Debug, Message = "Deployment {Key}: {Actions} actions planned")]
    private static partial void LogPlanned(ILogger logger, string key, int actions);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Warning, Message = "Deployment {Key}: creating replica set {ReplicaSet} failed")]
    private static partial void LogCreateFailed(ILogger logger, Exception exception, string key, string replicaSet);
}

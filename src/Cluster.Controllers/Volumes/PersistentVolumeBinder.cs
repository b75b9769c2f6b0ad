using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Volumes;

/// <summary>The claim as the registry holds it now (null: it does not exist), read past any informer lag.</summary>
public delegate Task<V1PersistentVolumeClaim?> ClaimReader(string ns, string name, CancellationToken ct);

/// <summary>
/// Upstream's persistentvolume-binder: binds PersistentVolumeClaims to PersistentVolumes (<see cref="ClaimPlanner"/>,
/// <see cref="BindingWrites"/>), asks a class's provisioner for a volume when none matches, and releases and reclaims
/// a volume whose claim is gone (<see cref="VolumePlanner"/>). Claims and volumes share one queue: keys are
/// <c>pvc:&lt;namespace&gt;/&lt;name&gt;</c> and <c>pv:&lt;name&gt;</c>.
/// </summary>
public sealed partial class PersistentVolumeBinder : IReconciler
{
    public const string Component = "persistentvolume-controller";

    /// <summary>Upstream's --pvclaimbinder-sync-period: how often a claim still Pending is tried again.</summary>
    public static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(15);

    private const string ClaimPrefix = "pvc:";
    private const string VolumePrefix = "pv:";
    private const string ByClaimRef = "volume-claim-ref";

    private readonly SharedInformer _claims;
    private readonly SharedInformer _volumes;
    private readonly SharedInformer _classes;
    private readonly SharedInformer _pods;
    private readonly SharedInformer _nodes;
    private readonly IObjectWriter _writer;
    private readonly ClaimReader _readClaim;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<CachedObject, V1PersistentVolume> _parsedVolumes = [];
    private readonly ConditionalWeakTable<CachedObject, V1PersistentVolumeClaim> _parsedClaims = [];

    public PersistentVolumeBinder(InformerFactory informers, IObjectWriter writer, ClaimReader readClaim, EventRecorder events, ILogger logger)
    {
        _claims = informers.For(BuiltInKinds.PersistentVolumeClaim);
        _volumes = informers.For(BuiltInKinds.PersistentVolume);
        _classes = informers.For(BuiltInKinds.StorageClass);
        _pods = informers.For(BuiltInKinds.Pod);
        _nodes = informers.For(BuiltInKinds.Node);
        _volumes.AddIndexer(ByClaimRef, v => ClaimKeyOf(Volume(v)) is { } key ? [key] : []);
        _writer = writer;
        _readClaim = readClaim;
        _events = events;
        _logger = logger;
    }

    public string Name => "persistentvolume-binder";

    /// <summary>The registry's claims, read after its cache caught up with every committed write.</summary>
    public static ClaimReader RegistryClaims(ResourceRegistry registry) => async (ns, name, ct) =>
    {
        try
        {
            return (await registry.GetAsync(BuiltInKinds.PersistentVolumeClaim, ns, name, null, ct).ConfigureAwait(false)).As<V1PersistentVolumeClaim>();
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    };

    /// <summary>Has the informers' events enqueue claim and volume keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _claims.AddHandler(new EnqueueHandler(loop, ClaimChanged));
        _volumes.AddHandler(new EnqueueHandler(loop, VolumeChanged));
        _classes.AddHandler(new EnqueueHandler(loop, (old, now) => now is not null && old is null ? WaitingClaims(now.Name) : []));
        _pods.AddHandler(new EnqueueHandler(loop, PodScheduled));
    }

    public Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (key.StartsWith(VolumePrefix, StringComparison.Ordinal))
        {
            return ReconcileVolumeAsync(key[VolumePrefix.Length..], ct);
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return ReconcileClaimAsync(key[ClaimPrefix.Length..slash], key[(slash + 1)..], ct);
    }

    private async Task<ReconcileResult> ReconcileClaimAsync(string ns, string name, CancellationToken ct)
    {
        if (_claims.Get(ns, name) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var claim = Claim(cached);
        var volumes = _volumes.List().Select(Volume).ToList();
        var pods = ClaimPlanner.DelaysBinding(claim, StorageClass) ? _pods.ByIndex(Indexers.Namespace, ns).Select(CachedObjectJson.As<V1Pod>) : [];
        var step = ClaimPlanner.Plan(claim, volumes, StorageClass, pods, n => _nodes.Get("", n)?.As<V1Node>());
        switch (step)
        {
            case ClaimStep.Bind bind:
                await BindAsync(bind.Volume, claim, ct).ConfigureAwait(false);
                return ReconcileResult.Done;
            case ClaimStep.Pending pending:
                await ClaimPhaseAsync(claim, VolumePhases.Pending, pending.Event, ct).ConfigureAwait(false);
                return new ReconcileResult(SyncPeriod);
            case ClaimStep.Provision provision:
                await AskProvisionerAsync(claim, provision.Provisioner, ct).ConfigureAwait(false);
                return new ReconcileResult(SyncPeriod);
            case ClaimStep.SelectNode select:
                LogSelectedNode(_logger, ns, name, select.Node);
                await AnnotateAsync(claim, [(VolumeAnnotations.SelectedNode, select.Node)], ct).ConfigureAwait(false);
                return ReconcileResult.Done;
            case ClaimStep.Lost lost:
                await ClaimPhaseAsync(claim, VolumePhases.Lost, claim.Status?.Phase == VolumePhases.Lost ? null : lost.Event, ct).ConfigureAwait(false);
                return ReconcileResult.Done;
            default:
                throw new InvalidOperationException("unknown claim step " + step);
        }
    }

    private async Task<ReconcileResult> ReconcileVolumeAsync(string name, CancellationToken ct)
    {
        if (_volumes.Get("", name) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var volume = Volume(cached);
        V1PersistentVolumeClaim? claim = null;
        if (volume.Spec?.ClaimRef is { Uid.Length: > 0 } claimRef)
        {
            claim = _claims.Get(claimRef.NamespaceProperty ?? "", claimRef.Name) is { } c ? Claim(c) : null;
            if (claim is null || claim.Metadata.Uid != claimRef.Uid)
            {
                // The informer may not have seen the claim yet: never release a volume on that alone.
                claim = await _readClaim(claimRef.NamespaceProperty ?? "", claimRef.Name, ct).ConfigureAwait(false);
            }
        }

        switch (VolumePlanner.Plan(volume, claim))
        {
            case VolumeStep.Phase phase:
                if (phase.Event is { } e)
                {
                    _events.Record(Reference(volume), e.Type, e.Reason, e.Message);
                }

                LogVolumePhase(_logger, name, phase.Value);
                var updated = BindingWrites.Clone(volume);
                updated.Status ??= new V1PersistentVolumeStatus();
                updated.Status.Phase = phase.Value;
                await _writer.UpdateStatusAsync(BuiltInKinds.PersistentVolume, "", name, Json(updated), ct).ConfigureAwait(false);
                break;
            case VolumeStep.Delete:
                LogDeleting(_logger, name);
                await _writer.DeleteAsync(BuiltInKinds.PersistentVolume, "", name, ct).ConfigureAwait(false);
                break;
            case VolumeStep.Unbind unbind:
                await _writer.UpdateAsync(BuiltInKinds.PersistentVolume, "", name, Json(unbind.Updated), ct).ConfigureAwait(false);
                break;
        }

        return ReconcileResult.Done;
    }

    private V1StorageClass? StorageClass(string name) => _classes.Get("", name)?.As<V1StorageClass>();

    private V1PersistentVolume Volume(CachedObject obj) => _parsedVolumes.GetValue(obj, CachedObjectJson.As<V1PersistentVolume>);

    private V1PersistentVolumeClaim Claim(CachedObject obj) => _parsedClaims.GetValue(obj, CachedObjectJson.As<V1PersistentVolumeClaim>);

    private static string? ClaimKeyOf(V1PersistentVolume volume) =>
        volume.Spec?.ClaimRef is { } r ? ClaimPrefix + CachedObject.KeyOf(r.NamespaceProperty ?? "", r.Name) : null;

    internal static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    internal static V1ObjectReference Reference(V1PersistentVolume volume) =>
        new() { ApiVersion = "v1", Kind = "PersistentVolume", Name = volume.Metadata.Name, Uid = volume.Metadata.Uid, ResourceVersion = volume.Metadata.ResourceVersion };

    internal static V1ObjectReference Reference(V1PersistentVolumeClaim claim) => BindingWrites.ReferenceTo(claim);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Debug, Message = "Volume {Volume}: phase {Phase}")]
    private static partial void LogVolumePhase(ILogger logger, string volume, string phase);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Volume {Volume}: its claim is gone and its reclaim policy is Delete; deleting it")]
    private static partial void LogDeleting(ILogger logger, string volume);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Debug, Message = "Claim {Namespace}/{Claim}: its first consumer is on node {Node}")]
    private static partial void LogSelectedNode(ILogger logger, string @namespace, string claim, string node);
}

using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using Cluster.Controllers.Framework;
using Cluster.Controllers.GarbageCollection;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Volumes;

/// <summary>
/// Upstream's pvc-protection and pv-protection controllers, one instance each: every claim (or volume) gets the
/// protection finalizer, and one being deleted loses it once nothing uses it (<see cref="InUseProtection"/>), which lets
/// the registry remove it. Keys are the objects' own (<c>namespace/name</c>, <c>/name</c> for volumes).
/// </summary>
public sealed partial class InUseProtectionController : IReconciler
{
    private const string ByClaim = "claims";

    private readonly bool _claims;
    private readonly ResourceKind _kind;
    private readonly string _finalizer;
    private readonly SharedInformer _objects;
    private readonly SharedInformer? _pods;
    private readonly IObjectWriter _writer;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsedPods = [];

    private InUseProtectionController(bool claims, InformerFactory informers, IObjectWriter writer, ILogger logger)
    {
        _claims = claims;
        _kind = claims ? BuiltInKinds.PersistentVolumeClaim : BuiltInKinds.PersistentVolume;
        _finalizer = claims ? InUseProtection.ClaimFinalizer : InUseProtection.VolumeFinalizer;
        _objects = informers.For(_kind);
        _pods = claims ? informers.For(BuiltInKinds.Pod) : null;
        _writer = writer;
        _logger = logger;
    }

    public string Name => _claims ? "pvc-protection" : "pv-protection";

    /// <summary>Protects PersistentVolumeClaims while scheduled pods mount them.</summary>
    public static InUseProtectionController ForClaims(InformerFactory informers, IObjectWriter writer, ILogger logger) => new(true, informers, writer, logger);

    /// <summary>Protects PersistentVolumes while they are Bound.</summary>
    public static InUseProtectionController ForVolumes(InformerFactory informers, IObjectWriter writer, ILogger logger) => new(false, informers, writer, logger);

    public void Watch(ReconcileLoop loop)
    {
        _objects.AddHandler(new EnqueueHandler(loop, (_, now) => now is null ? [] : [now.Key]));
        if (_pods is not null)
        {
            _pods.AddIndexer(ByClaim, ClaimKeys);
            _pods.AddHandler(new EnqueueHandler(loop, PodChanged));
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        if (_objects.Get(ns, name) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var meta = CachedObjectJson.As<MetadataOnly>(cached).Metadata;
        if (InUseProtection.IsDeletionCandidate(meta, _finalizer))
        {
            if (!InUse(cached))
            {
                var obj = cached.ToJsonObject();
                MetadataEdits.RemoveFinalizer(obj, _finalizer);
                await _writer.UpdateAsync(_kind, ns, name, obj, ct).ConfigureAwait(false);
                LogReleased(_logger, _kind.Kind, key);
            }
        }
        else if (InUseProtection.NeedsFinalizer(meta, _finalizer))
        {
            var obj = cached.ToJsonObject();
            ObjectMeta.AddFinalizer(obj, _finalizer);
            await _writer.UpdateAsync(_kind, ns, name, obj, ct).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    private bool InUse(CachedObject cached)
    {
        if (!_claims)
        {
            return InUseProtection.VolumeInUse(cached.As<V1PersistentVolume>());
        }

        var claim = cached.As<V1PersistentVolumeClaim>();
        return _pods!.ByIndex(ByClaim, cached.Key).Any(p => InUseProtection.PodUsesClaim(Pod(p), claim));
    }

    /// <summary>The claims a pod mounts, as claim keys; most pods mount none, and their bytes say so without a parse.</summary>
    private IEnumerable<string> ClaimKeys(CachedObject pod) =>
        MountsClaims(pod) ? InUseProtection.ClaimNames(Pod(pod)).Select(c => CachedObject.KeyOf(pod.Namespace, c)) : [];

    /// <summary>A pod that stops, goes or is scheduled may free a claim being deleted, or stop freeing it.</summary>
    private HashSet<string> PodChanged(CachedObject? old, CachedObject? now)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var version in (CachedObject?[])[old, now])
        {
            if (version is not null)
            {
                keys.UnionWith(ClaimKeys(version));
            }
        }

        keys.RemoveWhere(k => _objects.Get(k[..k.IndexOf('/', StringComparison.Ordinal)], k[(k.IndexOf('/', StringComparison.Ordinal) + 1)..]) is not { } claim
            || !InUseProtection.IsDeletionCandidate(CachedObjectJson.As<MetadataOnly>(claim).Metadata, _finalizer));
        return keys;
    }

    private static bool MountsClaims(CachedObject pod) =>
        pod.Json.AsSpan().IndexOf("\"persistentVolumeClaim\""u8) >= 0 || pod.Json.AsSpan().IndexOf("\"ephemeral\""u8) >= 0;

    private V1Pod Pod(CachedObject pod) => _parsedPods.GetValue(pod, CachedObjectJson.As<V1Pod>);

    /// <summary>Just the metadata of a claim or a volume: all the finalizer decisions read.</summary>
    private sealed class MetadataOnly
    {
        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();
    }

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information, Message = "{Kind} {Key} is no longer in use: protection finalizer removed")]
    private static partial void LogReleased(ILogger logger, string kind, string key);
}

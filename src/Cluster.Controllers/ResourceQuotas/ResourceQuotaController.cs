using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Cluster.Core.Registry.Cache;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.ResourceQuotas;

/// <summary>
/// Keeps each ResourceQuota's status (upstream's resourcequota controller): status.hard is spec.hard and status.used
/// the usage recounted from the namespace's objects (<see cref="QuotaStatusPlanner"/>). Admission charges creates
/// itself, so a quota is recounted when it is new or its spec changes, when an object it counts goes away or changes
/// what it costs (a pod ending, a Service changing type), and every sync period, which corrects charges for creates
/// that failed after admission. Objects are read as JSON because the usage rules are the admission plugin's own
/// (<see cref="QuotaUsage"/>, in Cluster.Core), so both count alike.
/// </summary>
public sealed partial class ResourceQuotaController : IReconciler
{
    private readonly KindCatalog _kinds;
    private readonly InformerFactory _informers;
    private readonly SharedInformer _quotas;
    private readonly IObjectWriter _writer;
    private readonly TimeSpan _syncPeriod;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKind, SharedInformer> _counted = [];
    private ReconcileLoop? _loop;

    public ResourceQuotaController(KindCatalog kinds, InformerFactory informers, IObjectWriter writer, TimeSpan syncPeriod, TimeProvider clock, ILogger logger)
    {
        _kinds = kinds;
        _informers = informers;
        _quotas = informers.For(BuiltInKinds.ResourceQuota);
        _writer = writer;
        _syncPeriod = syncPeriod;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "resourcequota";

    /// <summary>Has quota events enqueue the quota; the kinds quotas count are watched from their first reconcile.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _loop = loop;
        _quotas.AddHandler(new EnqueueHandler(loop, QuotaKeys));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var ns = key[..slash];
        if (_quotas.Get(ns, key[(slash + 1)..]) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var quota = cached.ToJsonObject();
        var informers = new Dictionary<ResourceKind, SharedInformer>();
        foreach (var kind in QuotaStatusPlanner.KindsOf(quota, _kinds))
        {
            var informer = informers[kind] = Counted(kind);
            await informer.WaitForSyncAsync(ct).ConfigureAwait(false);
        }

        var plan = QuotaStatusPlanner.Plan(quota, _kinds, kind => informers[kind].ByIndex(Indexers.Namespace, ns).Select(o => o.ToJsonObject()), _clock.GetUtcNow());
        if (plan.Changed)
        {
            // Written over the version read: a charge admission made since is refused (409) and the key retried.
            quota["status"] = plan.ToJson();
            await _writer.UpdateStatusAsync(BuiltInKinds.ResourceQuota, ns, cached.Name, quota, ct).ConfigureAwait(false);
            LogRecounted(_logger, key, ResourceLists.Print(plan.Used));
        }

        return new ReconcileResult(_syncPeriod);
    }

    /// <summary>
    /// A quota is (re)counted when new, when its spec changes and at each informer resync (the same version again),
    /// but not for status writes: those are admission's charges, and a recount racing the create it charged for would
    /// forget it.
    /// </summary>
    private static IEnumerable<string> QuotaKeys(CachedObject? old, CachedObject? now)
    {
        if (now is null)
        {
            return [];
        }

        if (old is null || old.ResourceVersion == now.ResourceVersion)
        {
            return [now.Key];
        }

        var before = old.ToJsonObject();
        var after = now.ToJsonObject();
        return JsonNode.DeepEquals(before["spec"], after["spec"]) && after["status"]?["hard"] is not null ? [] : [now.Key];
    }

    /// <summary>The informer of a kind quotas count, with the handler that recounts a namespace's quotas when such an object goes or changes cost.</summary>
    private SharedInformer Counted(ResourceKind kind)
    {
        lock (_lock)
        {
            if (!_counted.TryGetValue(kind, out var informer))
            {
                informer = _counted[kind] = _informers.For(kind);
                informer.AddHandler(new EnqueueHandler(_loop!, (old, now) => Replenished(kind, old, now)));
            }

            return informer;
        }
    }

    private IEnumerable<string> Replenished(ResourceKind kind, CachedObject? old, CachedObject? now)
    {
        if (old is null || (now is not null && old.ResourceVersion == now.ResourceVersion))
        {
            return [];
        }

        var quotas = _quotas.ByIndex(Indexers.Namespace, old.Namespace);
        if (quotas.Count == 0)
        {
            return [];
        }

        if (now is not null)
        {
            var at = _clock.GetUtcNow();
            if (ResourceLists.Equal(QuotaUsage.Of(kind, old.ToJsonObject(), at), QuotaUsage.Of(kind, now.ToJsonObject(), at)))
            {
                return [];
            }
        }

        return quotas.Select(q => q.Key);
    }

    [LoggerMessage(EventId = 8201, Level = LogLevel.Debug, Message = "Quota {Key} recounted: {Used}")]
    private static partial void LogRecounted(ILogger logger, string key, string used);
}

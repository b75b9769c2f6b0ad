using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Admission;
using Cluster.Core.Registry.Objects;

namespace Cluster.Core.Registry;

/// <summary>The admission plugins a create goes through, in upstream's order: LimitRanger, ServiceAccount, Priority, PodSecurity, then ResourceQuota last.</summary>
public sealed partial class ResourceRegistry
{
    /// <summary>Upstream's quota admission retries a conflicting quota write this many times before failing the create.</summary>
    private const int QuotaRetries = 3;

    // Creates in one namespace charge its quotas one at a time on this member (as upstream's per-namespace work
    // queue), so they do not conflict with each other; the resourceVersion check covers other members.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _quotaGates = new(StringComparer.Ordinal);

    /// <summary>Mutating and validating admission of a new object (its namespace exists and the cache is synced).</summary>
    private async Task AdmitCreateAsync(ResourceKind kind, string ns, JsonObject obj, WriteOptions options, CancellationToken cancellationToken)
    {
        if (kind == BuiltInKinds.Pod || kind == BuiltInKinds.PersistentVolumeClaim)
        {
            LimitRangeAdmission.Apply(kind, obj, InNamespace(BuiltInKinds.LimitRange, ns));
        }

        if (kind == BuiltInKinds.Pod)
        {
            ServiceAccountAdmission.Apply(
                obj,
                name => Feed.Cache(BuiltInKinds.ServiceAccount).Get(ns, name)?.ToJsonObject(),
                Feed.Cache(BuiltInKinds.ConfigMap).Get(ns, ServiceAccountAdmission.RootCaConfigMap) is not null,
                RandomSuffix);
            PodPriorityAdmission.Apply(obj, [.. Feed.Cache(BuiltInKinds.PriorityClass).List(null).Items.Select(c => c.ToJsonObject())]);
        }

        // Validating admission sees the mutated object; a refused pod must not be charged to a quota.
        AdmitPodSecurityCreate(kind, ns, obj, options);
        AdmitGrantsCreate(kind, ns, obj, options);

        if (!ResourceQuotaAdmission.Ignores(kind) && Feed.Cache(BuiltInKinds.ResourceQuota).List(ns).Items.Count > 0
            && Decoded(kind, obj) is { } decoded)
        {
            await ChargeQuotasAsync(kind, ns, decoded, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The object as upstream's quota admission sees it, defaulted (a pod's requests from its limits) and validated;
    /// null when it is invalid, as the create then fails and must not be charged.
    /// </summary>
    private JsonObject? Decoded(ResourceKind kind, JsonObject obj)
    {
        var strategy = StrategyFor(kind);
        var decoded = obj.DeepClone().AsObject();
        strategy.PrepareForCreate(decoded);
        return strategy.Validate(decoded).Count == 0 ? decoded : null;
    }

    /// <summary>
    /// Charges the object to the namespace's quotas (403 when one has no room): each changed quota's status is written
    /// with the resourceVersion it was read at; a conflict re-reads that quota and checks it again (upstream checkQuotas).
    /// </summary>
    private async Task ChargeQuotasAsync(ResourceKind kind, string ns, JsonObject obj, WriteOptions options, CancellationToken cancellationToken)
    {
        var gate = _quotaGates.GetOrAdd(ns, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The create before this one (on this member) charged a quota: read what it wrote.
            await SyncAsync(cancellationToken).ConfigureAwait(false);
            var quotas = InNamespace(BuiltInKinds.ResourceQuota, ns);
            ApiException? conflict = null;
            for (var attempt = 0; attempt <= QuotaRetries; attempt++)
            {
                var charged = ResourceQuotaAdmission.Check(kind, obj, quotas, _clock.GetUtcNow());
                if (charged.Count == 0 || options.DryRun)
                {
                    return;
                }

                var failed = new HashSet<string>(StringComparer.Ordinal);
                foreach (var quota in charged)
                {
                    try
                    {
                        await UpdateAsync(BuiltInKinds.ResourceQuota, ns, ObjectMeta.Name(quota), quota, "status", WriteOptions.Default, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ApiException e) when (e.Code == 409)
                    {
                        failed.Add(ObjectMeta.Name(quota));
                        conflict = e;
                    }
                }

                if (failed.Count == 0)
                {
                    return;
                }

                // Only the quotas that failed are checked again: the others already hold this object's charge.
                await SyncAsync(cancellationToken).ConfigureAwait(false);
                quotas = [.. InNamespace(BuiltInKinds.ResourceQuota, ns).Where(q => failed.Contains(ObjectMeta.Name(q)))];
            }

            throw conflict!;
        }
        finally
        {
            gate.Release();
        }
    }

    private List<JsonObject> InNamespace(ResourceKind kind, string ns) =>
        [.. Feed.Cache(kind).List(ns).Items.Select(c => c.ToJsonObject())];
}

using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Controllers.ResourceQuotas;

/// <summary>A quota's status as it should be.</summary>
/// <param name="Hard">spec.hard, copied.</param>
/// <param name="Used">The usage recounted from the namespace's objects, for every resource in <paramref name="Hard"/>.</param>
/// <param name="Changed">Whether the stored status differs (a first sync always does).</param>
public sealed record QuotaStatusPlan(Dictionary<string, Quantity> Hard, Dictionary<string, Quantity> Used, bool Changed)
{
    public JsonObject ToJson() => new() { ["hard"] = ResourceLists.ToJson(Hard), ["used"] = ResourceLists.ToJson(Used) };
}

/// <summary>
/// Recounts a quota's usage (upstream syncResourceQuota and CalculateUsage): for every kind a hard resource names,
/// the usage of the namespace's objects in the quota's scopes, summed and masked to the hard resources; a resource
/// nothing counts keeps its last observed usage.
/// </summary>
public static class QuotaStatusPlanner
{
    /// <summary>The kinds whose objects the quota's hard resources count (pods for "cpu", deployments for "count/deployments.apps").</summary>
    public static HashSet<ResourceKind> KindsOf(JsonObject quota, KindCatalog kinds) =>
        [.. Hard(quota).Keys.Select(name => QuotaUsage.KindOf(name, kinds)).OfType<ResourceKind>()];

    /// <param name="objectsOf">The namespace's objects of a kind.</param>
    public static QuotaStatusPlan Plan(JsonObject quota, KindCatalog kinds, Func<ResourceKind, IEnumerable<JsonObject>> objectsOf, DateTimeOffset now)
    {
        var hard = Hard(quota);
        var storedHard = quota["status"]?["hard"] as JsonObject;
        var storedUsed = quota["status"]?["used"] as JsonObject;
        var previous = ResourceLists.Read(storedUsed);
        var used = new Dictionary<string, Quantity>(previous, StringComparer.Ordinal);
        var scopes = QuotaScopes.Of(quota);
        foreach (var kind in KindsOf(quota, kinds))
        {
            var matched = QuotaUsage.MatchingResources(kind, hard.Keys);
            var counted = matched.ToDictionary(name => name, _ => Quantity.Zero, StringComparer.Ordinal);
            foreach (var obj in objectsOf(kind))
            {
                if (scopes.All(s => QuotaScopes.Matches(s, kind, obj)))
                {
                    counted = ResourceLists.Add(counted, QuotaUsage.Of(kind, obj, now));
                }
            }

            foreach (var (name, value) in ResourceLists.Mask(counted, matched))
            {
                used[name] = value;
            }
        }

        used = ResourceLists.Mask(used, hard.Keys);
        var changed = storedHard is null || storedUsed is null
            || !ResourceLists.Equal(hard, ResourceLists.Read(storedHard))
            || !ResourceLists.Equal(used, previous);
        return new QuotaStatusPlan(hard, used, changed);
    }

    private static Dictionary<string, Quantity> Hard(JsonObject quota) =>
        ResourceLists.Read(quota["spec"]?["hard"]);
}

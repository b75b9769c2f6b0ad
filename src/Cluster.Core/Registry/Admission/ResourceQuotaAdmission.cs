using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's ResourceQuota admission decision for a create (CheckRequest): every quota of the namespace that applies
/// to the object must have room for what it costs, or the create is refused with 403 and upstream's message. The
/// answer is the quotas whose status.used grows; the caller writes them with their resourceVersion, so two creates
/// racing for the last unit cannot both succeed (<see cref="ResourceRegistry"/> retries a conflict on fresh quotas).
/// </summary>
public static class ResourceQuotaAdmission
{
    /// <summary>Kinds quota never charges (as upstream's default ignored resources).</summary>
    public static bool Ignores(ResourceKind kind) => kind == BuiltInKinds.Event || !kind.Namespaced;

    /// <summary>The quotas (copies, with status.used charged) that admitting the new object changes; throws 403 when one has no room.</summary>
    /// <param name="quotas">The namespace's ResourceQuotas as stored.</param>
    /// <param name="now">For pods stuck terminating, which stop counting after their grace period.</param>
    public static List<JsonObject> Check(ResourceKind kind, JsonObject obj, IReadOnlyList<JsonObject> quotas, DateTimeOffset now)
    {
        var applying = new List<(JsonObject Quota, Dictionary<string, Quantity> Hard, Dictionary<string, Quantity> Used)>();
        foreach (var quota in quotas)
        {
            if (!QuotaUsage.Matches(quota, kind, obj))
            {
                continue;
            }

            var status = JsonFields.Obj(quota, "status");
            var hard = ResourceLists.Read(JsonFields.Obj(status, "hard"));
            var used = ResourceLists.Read(JsonFields.Obj(status, "used"));
            var restricted = QuotaUsage.MatchingResources(kind, hard.Keys);
            var name = ObjectMeta.Name(quota);
            if (kind == BuiltInKinds.Pod && PodQuota.Constraints(restricted, obj) is { } missing)
            {
                throw Forbidden(kind, obj, "failed quota: " + name + ": " + missing);
            }

            if (restricted.Any(r => !used.ContainsKey(r)))
            {
                throw Forbidden(kind, obj, "status unknown for quota: " + name + ", resources: " + string.Join(",", restricted.Order(StringComparer.Ordinal)));
            }

            applying.Add((quota, hard, used));
        }

        var usage = QuotaUsage.Of(kind, obj, now);
        var negative = usage.Where(u => u.Value.Sign < 0).Select(u => u.Key).Order(StringComparer.Ordinal).ToList();
        if (negative.Count > 0)
        {
            throw Forbidden(kind, obj, "quota usage is negative for resource(s): " + string.Join(",", negative));
        }

        var delta = usage.Where(u => !u.Value.IsZero).ToDictionary(StringComparer.Ordinal);
        var charged = new List<JsonObject>();
        if (delta.Count == 0)
        {
            return charged;
        }

        foreach (var (quota, hard, used) in applying)
        {
            var requested = ResourceLists.Mask(delta, hard.Keys);
            if (requested.Count == 0)
            {
                continue;
            }

            var newUsed = ResourceLists.Add(used, requested);
            var exceeded = ResourceLists.Exceeding(ResourceLists.Mask(newUsed, requested.Keys), hard);
            if (exceeded.Count > 0)
            {
                throw Forbidden(kind, obj, "exceeded quota: " + ObjectMeta.Name(quota)
                    + ", requested: " + ResourceLists.Print(ResourceLists.Mask(requested, exceeded))
                    + ", used: " + ResourceLists.Print(ResourceLists.Mask(used, exceeded))
                    + ", limited: " + ResourceLists.Print(ResourceLists.Mask(hard, exceeded)));
            }

            var copy = quota.DeepClone().AsObject();
            JsonFields.Ensure(copy, "status")["used"] = ResourceLists.ToJson(newUsed);
            charged.Add(copy);
        }

        return charged;
    }

    /// <summary>Upstream's admission.NewForbidden: <c>pods "web" is forbidden: ...</c>.</summary>
    internal static ApiException Forbidden(ResourceKind kind, JsonObject obj, string why)
    {
        var name = ObjectMeta.Name(obj);
        return new ApiException(403, "Forbidden", kind.QualifiedResource + " \"" + name + "\" is forbidden: " + why, new StatusDetails(name, kind.Group, kind.Plural));
    }
}

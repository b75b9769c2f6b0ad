using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>A pod's quota usage and the requirements a compute quota puts on its containers (upstream's pod evaluator).</summary>
public static class PodQuota
{
    private static readonly HashSet<string> PodResources = new(StringComparer.Ordinal)
    {
        "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    };

    // Upstream calls requiring these on every container a mistake it keeps for compatibility; no other resource joins.
    private static readonly HashSet<string> MustBeStated = new(StringComparer.Ordinal)
    {
        "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory",
    };

    public static bool Tracks(string name) =>
        PodResources.Contains(name) || name.StartsWith("hugepages-", StringComparison.Ordinal) || name.StartsWith("requests.hugepages-", StringComparison.Ordinal)
        || (name.StartsWith("requests.", StringComparison.Ordinal) && name.Contains('/', StringComparison.Ordinal));

    /// <summary>
    /// The usage (upstream PodUsageFunc): <c>count/pods</c> always; the rest only while the pod is charged, not when it
    /// is terminal (Succeeded, Failed) or stuck terminating past its grace period.
    /// </summary>
    public static Dictionary<string, Quantity> Usage(JsonObject pod, DateTimeOffset now)
    {
        var usage = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["count/pods"] = Quantity.FromDecimal(1) };
        if (!Charged(pod, now))
        {
            return usage;
        }

        var spec = JsonFields.Obj(pod, "spec");
        var requests = Aggregate(spec, "requests");
        var limits = Aggregate(spec, "limits");
        foreach (var (name, value) in ResourceLists.Read(JsonFields.Obj(spec, "overhead")))
        {
            ResourceLists.AddTo(requests, name, value);
            if (limits.ContainsKey(name))
            {
                ResourceLists.AddTo(limits, name, value);
            }
        }

        foreach (var (name, value) in ComputeUsage(requests, limits))
        {
            usage[name] = value;
        }

        return usage;
    }

    /// <summary>Whether the pod counts against compute quota (upstream QuotaV1Pod).</summary>
    public static bool Charged(JsonObject pod, DateTimeOffset now)
    {
        if (JsonFields.Str(JsonFields.Obj(pod, "status"), "phase") is "Succeeded" or "Failed")
        {
            return false;
        }

        var metadata = JsonFields.Obj(pod, "metadata");
        return !(JsonFields.Str(metadata, "deletionTimestamp") is { } deleted
            && JsonFields.Int(metadata, "deletionGracePeriodSeconds") is { } grace
            && DateTimeOffset.TryParse(deleted, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && now > at.AddSeconds(grace));
    }

    /// <summary>
    /// Null when every container states what <paramref name="required"/> needs, else upstream's
    /// "must specify limits.cpu for: app; requests.memory for: app,sidecar".
    /// </summary>
    public static string? Constraints(IEnumerable<string> required, JsonObject pod)
    {
        var needed = required.Where(MustBeStated.Contains).ToHashSet(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var spec = JsonFields.Obj(pod, "spec");
        foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
        {
            foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, list)))
            {
                var resources = JsonFields.Obj(container, "resources");
                var stated = ComputeUsage(ResourceLists.Read(JsonFields.Obj(resources, "requests")), ResourceLists.Read(JsonFields.Obj(resources, "limits")));
                foreach (var name in needed.Where(n => !stated.ContainsKey(n)))
                {
                    if (!missing.TryGetValue(name, out var names))
                    {
                        missing[name] = names = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    names.Add(JsonFields.Str(container, "name") ?? "");
                }
            }
        }

        return missing.Count == 0 ? null : "must specify " + string.Join("; ", missing.Select(m => m.Key + " for: " + string.Join(",", m.Value)));
    }

    /// <summary>
    /// The pod's requests or limits (upstream PodRequests/PodLimits): the containers' sum, or more when an init
    /// container needs more; sidecars (init containers that restart Always) run alongside and so add up.
    /// </summary>
    public static Dictionary<string, Quantity> Aggregate(JsonObject? spec, string which)
    {
        var total = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, "containers")))
        {
            total = ResourceLists.Add(total, Of(container, which));
        }

        var sidecars = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var initPeak = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, "initContainers")))
        {
            var own = Of(container, which);
            Dictionary<string, Quantity> during;
            if (JsonFields.Str(container, "restartPolicy") == "Always")
            {
                total = ResourceLists.Add(total, own);
                sidecars = ResourceLists.Add(sidecars, own);
                during = sidecars;
            }
            else
            {
                during = ResourceLists.Add(own, sidecars);
            }

            initPeak = Max(initPeak, during);
        }

        return Max(total, initPeak);
    }

    /// <summary>One container's (or a pod's) stated resources as quota names (upstream podComputeUsageHelper).</summary>
    private static Dictionary<string, Quantity> ComputeUsage(Dictionary<string, Quantity> requests, Dictionary<string, Quantity> limits)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["pods"] = Quantity.FromDecimal(1) };
        foreach (var name in (ReadOnlySpan<string>)["cpu", "memory", "ephemeral-storage"])
        {
            if (requests.TryGetValue(name, out var request))
            {
                result[name] = request;
                result["requests." + name] = request;
            }

            if (limits.TryGetValue(name, out var limit))
            {
                result["limits." + name] = limit;
            }
        }

        foreach (var (name, request) in requests)
        {
            if (name.StartsWith("hugepages-", StringComparison.Ordinal))
            {
                result[name] = request;
                result["requests." + name] = request;
            }
            else if (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith("kubernetes.io/", StringComparison.Ordinal))
            {
                // Extended resources are only ever quota'd as requests.<name>.
                result["requests." + name] = request;
            }
        }

        return result;
    }

    private static Dictionary<string, Quantity> Of(JsonObject container, string which) =>
        ResourceLists.Read(JsonFields.Obj(JsonFields.Obj(container, "resources"), which));

    private static Dictionary<string, Quantity> Max(Dictionary<string, Quantity> a, Dictionary<string, Quantity> b)
    {
        var result = new Dictionary<string, Quantity>(a, StringComparer.Ordinal);
        foreach (var (name, value) in b)
        {
            if (!result.TryGetValue(name, out var current) || value > current)
            {
                result[name] = value;
            }
        }

        return result;
    }
}

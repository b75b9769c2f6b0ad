using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>The QoS class of a pod from its containers' cpu and memory requests and limits (upstream ComputePodQOS).</summary>
public static class PodQos
{
    public const string Guaranteed = "Guaranteed";
    public const string Burstable = "Burstable";
    public const string BestEffort = "BestEffort";

    private static readonly string[] QosResources = ["cpu", "memory"];

    /// <summary>The class of a pod object, reading <c>spec.containers</c> and <c>spec.initContainers</c>.</summary>
    public static string Compute(JsonObject pod)
    {
        var spec = JsonFields.Obj(pod, "spec");
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var guaranteed = true;
        var containers = JsonFields.Items(JsonFields.Arr(spec, "containers")).Concat(JsonFields.Items(JsonFields.Arr(spec, "initContainers")));
        foreach (var (_, container) in containers)
        {
            var resources = JsonFields.Obj(container, "resources");
            Sum(JsonFields.Obj(resources, "requests"), requests);
            var found = Sum(JsonFields.Obj(resources, "limits"), limits);
            if (!QosResources.All(found.Contains))
            {
                guaranteed = false;
            }
        }

        if (requests.Count == 0 && limits.Count == 0)
        {
            return BestEffort;
        }

        guaranteed = guaranteed
            && requests.All(r => limits.TryGetValue(r.Key, out var limit) && limit == r.Value)
            && requests.Count == limits.Count;
        return guaranteed ? Guaranteed : Burstable;
    }

    /// <summary>Adds the positive cpu and memory quantities of a list into the totals; returns the names found.</summary>
    private static HashSet<string> Sum(JsonObject? list, Dictionary<string, Quantity> totals)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in QosResources)
        {
            if (list is not null && Quantity.TryRead(list[name], out var quantity, out _) && quantity.Sign > 0)
            {
                found.Add(name);
                totals[name] = totals.TryGetValue(name, out var total) ? total + quantity : quantity;
            }
        }

        return found;
    }
}

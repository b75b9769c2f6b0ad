using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// The service fields an allocator owns (cluster IPs, node ports): keeping them across updates
/// (patchAllocatedValues, NormalizeClusterIPs, dropTypeDependentFields) and upstream's rules
/// that they agree with each other and never change once set.
/// </summary>
internal static class ServiceAllocations
{
    /// <summary>LoadBalancer and NodePort services, and ClusterIP services with external IPs.</summary>
    public static bool ExternallyAccessible(JsonObject spec) => JsonFields.Str(spec, "type") switch
    {
        "LoadBalancer" or "NodePort" => true,
        "ClusterIP" => JsonFields.Arr(spec, "externalIPs") is { Count: > 0 },
        _ => false,
    };

    /// <summary>Fills allocated values an update left out from the stored service.</summary>
    public static void PatchAllocated(JsonObject spec, JsonObject oldSpec)
    {
        if (NeedsClusterIP(oldSpec) && NeedsClusterIP(spec))
        {
            var oldIp = JsonFields.Str(oldSpec, "clusterIP") ?? "";
            if (string.IsNullOrEmpty(JsonFields.Str(spec, "clusterIP")) && oldIp.Length > 0)
            {
                spec["clusterIP"] = oldIp;
            }

            if (JsonFields.Str(spec, "clusterIP") == oldIp && JsonFields.Arr(spec, "clusterIPs") is null or { Count: 0 } && oldSpec["clusterIPs"] is JsonArray oldIps)
            {
                spec["clusterIPs"] = oldIps.DeepClone();
            }
        }

        if (NeedsNodePorts(oldSpec) && NeedsNodePorts(spec))
        {
            var used = NodePorts(spec).Intersect(NodePorts(oldSpec)).ToHashSet();
            var byName = JsonFields.Items(JsonFields.Arr(oldSpec, "ports"))
                .GroupBy(p => JsonFields.Str(p.Item, "name") ?? "", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => JsonFields.Int(g.Last().Item, "nodePort") ?? 0, StringComparer.Ordinal);
            foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(spec, "ports")))
            {
                if ((JsonFields.Int(port, "nodePort") ?? 0) == 0
                    && byName.TryGetValue(JsonFields.Str(port, "name") ?? "", out var previous) && previous != 0 && !used.Contains(previous))
                {
                    port["nodePort"] = previous;
                }
            }
        }

        if (JsonFields.Missing(spec, "healthCheckNodePort") && oldSpec["healthCheckNodePort"] is { } health
            && JsonFields.Str(spec, "externalTrafficPolicy") == "Local" && JsonFields.Str(spec, "type") == "LoadBalancer")
        {
            spec["healthCheckNodePort"] = health.DeepClone();
        }
    }

    /// <summary>Keeps clusterIP and clusterIPs in step when a client only managed one of them.</summary>
    public static void NormalizeClusterIPs(JsonObject spec, JsonObject oldSpec)
    {
        var ip = JsonFields.Str(spec, "clusterIP") ?? "";
        var oldIp = JsonFields.Str(oldSpec, "clusterIP") ?? "";
        if (JsonFields.Arr(oldSpec, "clusterIPs") is { Count: > 0 } oldIps && JsonFields.Arr(spec, "clusterIPs") is null or { Count: 0 } && ip == oldIp)
        {
            spec["clusterIPs"] = oldIps.DeepClone();
        }

        if (ip == oldIp)
        {
            return;
        }

        var sameIps = JsonFields.SameIgnoringNulls(spec["clusterIPs"], oldSpec["clusterIPs"]);
        if (oldIp.Length > 0 && ip.Length == 0)
        {
            if (sameIps)
            {
                spec.Remove("clusterIPs");
            }
        }
        else if (sameIps)
        {
            spec["clusterIPs"] = new JsonArray(ip);
        }
    }

    /// <summary>A type change releases what the new type does not use (when the client left it as it was).</summary>
    public static void DropTypeDependentFields(JsonObject spec, JsonObject oldSpec)
    {
        if (JsonFields.Str(spec, "type") == JsonFields.Str(oldSpec, "type"))
        {
            return;
        }

        if (!NeedsClusterIP(spec))
        {
            if (JsonFields.Str(spec, "clusterIP") == JsonFields.Str(oldSpec, "clusterIP"))
            {
                spec.Remove("clusterIP");
            }

            if (JsonFields.SameIgnoringNulls(spec["clusterIPs"], oldSpec["clusterIPs"]))
            {
                spec.Remove("clusterIPs");
            }

            spec.Remove("ipFamilies");
            spec.Remove("ipFamilyPolicy");
        }

        if (!NeedsNodePorts(spec))
        {
            var oldPorts = NodePorts(oldSpec).ToHashSet();
            foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(spec, "ports")))
            {
                if (JsonFields.Int(port, "nodePort") is { } nodePort && oldPorts.Contains(nodePort))
                {
                    port.Remove("nodePort");
                }
            }
        }

        if (JsonFields.Str(spec, "type") != "LoadBalancer")
        {
            spec.Remove("allocateLoadBalancerNodePorts");
            spec.Remove("loadBalancerClass");
            if (JsonFields.Same(spec["healthCheckNodePort"], oldSpec["healthCheckNodePort"]))
            {
                spec.Remove("healthCheckNodePort");
            }
        }

        if (!ExternallyAccessible(spec))
        {
            spec.Remove("externalTrafficPolicy");
        }
    }

    /// <summary>clusterIP and clusterIPs agree, and every address is an IP ("None" only alone, first).</summary>
    public static void ValidateClusterIPs(JsonObject spec, Causes causes)
    {
        const string path = "spec.clusterIPs";
        var ip = JsonFields.Str(spec, "clusterIP") ?? "";
        var ips = (JsonFields.Arr(spec, "clusterIPs") ?? []).Select(n => JsonFields.AsString(n) ?? "").ToArray();
        var rendered = JsonFields.Arr(spec, "clusterIPs");
        if (ip.Length > 0 && ips.Length == 0)
        {
            causes.Required(path);
        }
        else if (ip.Length > 0 && ips[0] != ip)
        {
            causes.Invalid(path, rendered, "first value must match `clusterIP`");
        }
        else if (ip.Length == 0 && ips.Length > 0)
        {
            causes.Invalid(path, rendered, "must be empty when `clusterIP` is not specified");
        }

        for (var i = 0; i < ips.Length; i++)
        {
            if (ips[i] == "None")
            {
                if (i > 0 || ips.Length > 1)
                {
                    causes.Invalid(JsonFields.Index(path, i), ips[i], "'None' must be the first and only value");
                }
            }
            else
            {
                causes.InvalidEach(JsonFields.Index(path, i), ips[i], NameRules.IpAddress(ips[i]));
            }
        }
    }

    /// <summary>validateUpgradeDowngradeClusterIPs: the primary cluster IP may not change once set.</summary>
    public static void ValidateClusterIPsUnchanged(JsonObject spec, JsonObject oldSpec, Causes causes)
    {
        if (!NeedsClusterIP(spec) || !NeedsClusterIP(oldSpec) || (IsHeadless(spec) && IsHeadless(oldSpec)))
        {
            return;
        }

        var old = JsonFields.Arr(oldSpec, "clusterIPs") ?? [];
        var current = JsonFields.Arr(spec, "clusterIPs") ?? [];
        if (old.Count == 0)
        {
            return;
        }

        if (current.Count == 0)
        {
            causes.Invalid("spec.clusterIPs[0]", current, "primary clusterIP can not be unset");
            return;
        }

        for (var i = 0; i < Math.Min(old.Count, current.Count); i++)
        {
            if (JsonFields.AsString(old[i]) != JsonFields.AsString(current[i]))
            {
                causes.Invalid(JsonFields.Index("spec.clusterIPs", i), current, "may not change once set");
            }
        }
    }

    private static bool NeedsClusterIP(JsonObject spec) => JsonFields.Str(spec, "type") != "ExternalName";

    private static bool NeedsNodePorts(JsonObject spec) => JsonFields.Str(spec, "type") is "NodePort" or "LoadBalancer";

    private static bool IsHeadless(JsonObject spec) => JsonFields.Str(spec, "clusterIP") == "None";

    private static IEnumerable<long> NodePorts(JsonObject spec) =>
        JsonFields.Items(JsonFields.Arr(spec, "ports")).Select(p => JsonFields.Int(p.Item, "nodePort") ?? 0).Where(p => p != 0);
}

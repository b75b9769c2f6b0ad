using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Services;

/// <summary>
/// What the registry reserved for one write of a Service, carried to the Service's object actor with the command:
/// the rules fill it in after the strategy prepared the object (upstream: the allocator runs after
/// PrepareForCreate/PrepareForUpdate). It was worked out on the version <see cref="BasedOn"/> (empty for a create);
/// if the object moved on meanwhile the write is refused with 409 and the registry works it out again.
/// </summary>
/// <param name="BasedOn">The resourceVersion the reservation was planned on; "" for a create.</param>
/// <param name="ClusterIP">The cluster IP ("None" for headless); null when the Service has none (ExternalName).</param>
/// <param name="NodePorts">The node port of each entry of spec.ports, in order; 0 for a port without one.</param>
public sealed record ServiceAllocation(string BasedOn, string? ClusterIP, IReadOnlyList<int> NodePorts)
{
    /// <summary>Fills the reserved values into a prepared Service; 409 when it was planned on another version.</summary>
    public void FillInto(JsonObject service, JsonObject? current)
    {
        var version = current is null ? "" : ObjectMeta.ResourceVersion(current) ?? "";
        if (version != BasedOn)
        {
            throw ApiException.StaleResourceVersion(BuiltInKinds.Service, ObjectMeta.Name(service));
        }

        var spec = JsonFields.Ensure(service, "spec");
        if (ClusterIP is { } ip)
        {
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
            if (JsonFields.Arr(spec, "ipFamilies") is null or { Count: 0 })
            {
                spec["ipFamilies"] = new JsonArray("IPv4");
            }

            if (string.IsNullOrEmpty(JsonFields.Str(spec, "ipFamilyPolicy")))
            {
                // Upstream: a headless Service without a selector may take every family the cluster has.
                spec["ipFamilyPolicy"] = ip == "None" && spec["selector"] is not JsonObject { Count: > 0 } ? "RequireDualStack" : "SingleStack";
            }
        }

        foreach (var (i, port) in JsonFields.Items(JsonFields.Arr(spec, "ports")))
        {
            if (i < NodePorts.Count && NodePorts[i] != 0)
            {
                port["nodePort"] = NodePorts[i];
            }
        }
    }
}

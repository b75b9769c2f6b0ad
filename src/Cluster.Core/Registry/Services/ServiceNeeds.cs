using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Services;

/// <summary>
/// What one write of a Service asks of the allocators, worked out from the Service as the rules prepared it and the
/// stored version before the write: which cluster IP and node ports it must end up with (explicit or to be drawn),
/// which of them it already holds, and which it gives back. Pure.
/// </summary>
/// <param name="ClusterIP">null: no cluster IP (ExternalName); "None": headless; "": draw one; otherwise the IP asked for (or kept).</param>
/// <param name="NodePorts">Per entry of spec.ports: -1 none, 0 draw one, otherwise the port asked for (or kept).</param>
/// <param name="HeldIP">The cluster IP the stored version holds (null: none).</param>
/// <param name="HeldPorts">The node ports the stored version holds.</param>
public sealed record ServiceNeeds(string? ClusterIP, IReadOnlyList<long> NodePorts, string? HeldIP, IReadOnlySet<long> HeldPorts)
{
    public static ServiceNeeds Of(JsonObject prepared, JsonObject? stored)
    {
        var spec = JsonFields.Obj(prepared, "spec") ?? [];
        var type = JsonFields.Str(spec, "type") ?? "ClusterIP";
        string? ip = type == "ExternalName" ? null : JsonFields.Str(spec, "clusterIP") ?? "";
        var wantsPorts = WantsNodePorts(spec);
        var ports = JsonFields.Items(JsonFields.Arr(spec, "ports"))
            .Select(p => wantsPorts ? JsonFields.Int(p.Item, "nodePort") ?? 0 : -1L)
            .ToArray();
        var oldSpec = stored is null ? null : JsonFields.Obj(stored, "spec");
        return new ServiceNeeds(ip, ports, HeldIPOf(oldSpec), HeldPortsOf(oldSpec));
    }

    /// <summary>The cluster IP a stored Service holds a reservation for: a real address (not "None"), when its type has one.</summary>
    public static string? HeldIPOf(JsonObject? spec) =>
        spec is not null && JsonFields.Str(spec, "type") != "ExternalName" && JsonFields.Str(spec, "clusterIP") is { Length: > 0 } ip && ip != "None" ? ip : null;

    /// <summary>The node ports a stored Service holds reservations for.</summary>
    public static IReadOnlySet<long> HeldPortsOf(JsonObject? spec) => spec is null
        ? new HashSet<long>()
        : JsonFields.Items(JsonFields.Arr(spec, "ports")).Select(p => JsonFields.Int(p.Item, "nodePort") ?? 0).Where(p => p > 0).ToHashSet();

    /// <summary>NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false (ports given explicitly are kept then).</summary>
    private static bool WantsNodePorts(JsonObject spec) => JsonFields.Str(spec, "type") switch
    {
        "NodePort" => true,
        "LoadBalancer" => JsonFields.Bool(spec, "allocateLoadBalancerNodePorts") != false
            || JsonFields.Items(JsonFields.Arr(spec, "ports")).Any(p => (JsonFields.Int(p.Item, "nodePort") ?? 0) != 0),
        _ => false,
    };

    /// <summary>A requested IP this write must newly reserve (not the one already held).</summary>
    public string? IPToReserve => ClusterIP is { Length: > 0 } ip && ip != "None" && ip != HeldIP ? ip : null;

    /// <summary>Ports this write must newly reserve: explicit ones not held already, each once (TCP and UDP may share one).</summary>
    public IReadOnlyList<(int Index, long Port)> PortsToReserve()
    {
        var seen = new HashSet<long>();
        return [.. NodePorts.Select((p, i) => (Index: i, Port: p)).Where(x => x.Port > 0 && !HeldPorts.Contains(x.Port) && seen.Add(x.Port))];
    }

    /// <summary>What the stored version held that the written one no longer uses.</summary>
    public (string? IP, IReadOnlyList<long> Ports) Released(string? finalIP, IEnumerable<int> finalPorts)
    {
        var kept = finalPorts.Select(p => (long)p).ToHashSet();
        return (HeldIP is { } held && held != finalIP ? held : null, [.. HeldPorts.Where(p => !kept.Contains(p)).Order()]);
    }
}

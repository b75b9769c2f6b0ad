using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry.Services;

/// <summary>What one write reserved (to give back if the write fails) and what it gives back once it succeeded.</summary>
public sealed record ServiceReservation(ServiceAllocation Allocation, IReadOnlyList<(ResourceKind Kind, string Name, string Uid)> Reserved, string? ReleasedIP, IReadOnlyList<long> ReleasedPorts)
{
    public bool Any => Reserved.Count > 0 || ReleasedIP is not null || ReleasedPorts.Count > 0;
}

/// <summary>
/// Hands out Service cluster IPs and node ports (upstream's ipallocator and portallocator behind the Service REST
/// storage). Every address and port given out is an object created through the registry, named by the value
/// (an IPAddress "10.96.5.5", a ServiceNodePort "30080"): creates are atomic per name wherever the object's actor
/// lives, so two Services never get the same value, across members, restarts and fail-overs alike. A value is free
/// when no such object exists; the object names the Service in spec.parentRef, so a reservation whose Service is
/// gone can be found and freed (<see cref="ServiceRepair"/>).
/// </summary>
public sealed partial class ServiceAllocator(ResourceRegistry registry, ServiceIPRange ips, NodePortRange ports, Random random, ILogger logger)
{
    /// <summary>Upstream's managed-by label of the IPAddresses its allocator creates.</summary>
    public const string ManagedBy = "ipallocator.k8s.io";

    public ServiceIPRange IPRange => ips;

    public NodePortRange PortRange => ports;

    /// <summary>
    /// Reserves what <paramref name="needs"/> asks for: explicit values are checked (422 out of range or taken),
    /// missing ones drawn at random (500 when the range is full). A dry run checks and draws against what exists
    /// and reserves nothing.
    /// </summary>
    public async Task<ServiceReservation> ReserveAsync(string ns, string name, ServiceNeeds needs, string basedOn, bool dryRun, CancellationToken ct)
    {
        var reserved = new List<(ResourceKind, string, string)>();
        try
        {
            var causes = new Causes();
            CheckRanges(needs, causes);
            ThrowIfInvalid(name, causes);

            var ip = needs.ClusterIP;
            if (needs.IPToReserve is { } wanted && !await TryReserveAsync(BuiltInKinds.IPAddress, wanted, ns, name, dryRun, reserved, ct).ConfigureAwait(false))
            {
                causes.Invalid("spec.clusterIP", wanted, "provided IP is already allocated");
            }

            var nodePorts = needs.NodePorts.Select(p => (int)Math.Max(p, 0)).ToArray();
            foreach (var (index, port) in needs.PortsToReserve())
            {
                if (!await TryReserveAsync(BuiltInKinds.ServiceNodePort, Text(port), ns, name, dryRun, reserved, ct).ConfigureAwait(false))
                {
                    causes.Invalid(JsonFields.Index("spec.ports", index) + ".nodePort", port, "provided port is already allocated");
                }
            }

            ThrowIfInvalid(name, causes);
            if (ip == "")
            {
                ip = await DrawAsync(BuiltInKinds.IPAddress, ips.Usable, i => ips.At(i), skipFirst: ips.Usable > 1, ns, name, dryRun, reserved, "serviceIP", ct).ConfigureAwait(false);
            }

            var drawn = new Dictionary<int, int>();
            for (var i = 0; i < nodePorts.Length; i++)
            {
                if (needs.NodePorts[i] == 0)
                {
                    var port = await DrawAsync(BuiltInKinds.ServiceNodePort, ports.Size, j => Text(ports.Base + j), skipFirst: false, ns, name, dryRun, reserved, "nodePort", ct).ConfigureAwait(false);
                    nodePorts[i] = int.Parse(port, CultureInfo.InvariantCulture);
                }
            }

            var (releasedIP, releasedPorts) = needs.Released(ip, nodePorts);
            return new ServiceReservation(new ServiceAllocation(basedOn, ip, nodePorts), reserved, releasedIP, releasedPorts);
        }
        catch
        {
            await RollBackAsync(reserved).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gives back what a write that failed had reserved.</summary>
    public Task RollBackAsync(ServiceReservation reservation) => RollBackAsync(reservation.Reserved);

    /// <summary>Gives back what a successful write no longer uses.</summary>
    public async Task ReleaseAsync(string ns, string name, string? ip, IEnumerable<long> nodePorts, CancellationToken ct)
    {
        if (ip is not null)
        {
            await ReleaseAsync(BuiltInKinds.IPAddress, ip, ns, name, ct).ConfigureAwait(false);
        }

        foreach (var port in nodePorts)
        {
            await ReleaseAsync(BuiltInKinds.ServiceNodePort, Text(port), ns, name, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Gives back everything a removed Service held.</summary>
    public Task ReleaseAllAsync(JsonObject removed, CancellationToken ct)
    {
        var spec = JsonFields.Obj(removed, "spec");
        return ReleaseAsync(ObjectMeta.Namespace(removed), ObjectMeta.Name(removed), ServiceNeeds.HeldIPOf(spec), ServiceNeeds.HeldPortsOf(spec), ct);
    }

    /// <summary>The reservation object for a value held by the Service ns/name.</summary>
    public static JsonObject Reservation(ResourceKind kind, string value, string ns, string name)
    {
        var labels = new JsonObject { ["ipaddress.kubernetes.io/managed-by"] = ManagedBy };
        if (kind == BuiltInKinds.IPAddress)
        {
            labels["ipaddress.kubernetes.io/ip-family"] = "IPv4";
        }

        return new JsonObject
        {
            ["apiVersion"] = kind.ApiVersion,
            ["kind"] = kind.Kind,
            ["metadata"] = new JsonObject { ["name"] = value, ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                ["parentRef"] = new JsonObject { ["group"] = "", ["resource"] = "services", ["namespace"] = ns, ["name"] = name },
            },
        };
    }

    /// <summary>The Service (namespace, name) a reservation names as its parent.</summary>
    public static (string Namespace, string Name) ParentOf(JsonObject reservation)
    {
        var parent = reservation["spec"]?["parentRef"];
        return (ObjectMeta.GetString(parent, "namespace") ?? "", ObjectMeta.GetString(parent, "name") ?? "");
    }

    private void CheckRanges(ServiceNeeds needs, Causes causes)
    {
        if (needs.IPToReserve is { } ip && !ips.Contains(ip))
        {
            causes.Invalid("spec.clusterIP", ip, "provided IP is not in the valid range. The range of valid IPs is " + ips);
        }

        foreach (var (index, port) in needs.PortsToReserve())
        {
            if (!ports.Contains(port))
            {
                causes.Invalid(JsonFields.Index("spec.ports", index) + ".nodePort", port, "provided port is not in the valid range. The range of valid ports is " + ports);
            }
        }
    }

    private static void ThrowIfInvalid(string name, Causes causes)
    {
        if (causes.Items.Count > 0)
        {
            throw ApiException.Invalid(BuiltInKinds.Service, name, causes.Items);
        }
    }

    /// <summary>
    /// A free value from a random starting point onwards (wrapping round): values the cache shows taken are skipped,
    /// and one taken meanwhile (the create answers AlreadyExists) just moves on. Every value tried once: the range is full.
    /// </summary>
    private async Task<string> DrawAsync(ResourceKind kind, long size, Func<long, string> valueAt, bool skipFirst, string ns, string name, bool dryRun, List<(ResourceKind, string, string)> reserved, string what, CancellationToken ct)
    {
        var cache = registry.Cache(kind);
        var low = skipFirst ? 1L : 0L;
        var span = size - low;
        if (span > 0 && cache.Count < size)
        {
            long start;
            lock (random)
            {
                start = random.NextInt64(span);
            }

            for (var step = 0L; step < span; step++)
            {
                var value = valueAt(low + ((start + step) % span));
                if (cache.Get("", value) is null && await TryReserveAsync(kind, value, ns, name, dryRun, reserved, ct).ConfigureAwait(false))
                {
                    return value;
                }
            }
        }

        throw ApiException.Internal($"failed to allocate a {what}: range is full");
    }

    private async Task<bool> TryReserveAsync(ResourceKind kind, string value, string ns, string name, bool dryRun, List<(ResourceKind, string, string)> reserved, CancellationToken ct)
    {
        if (dryRun)
        {
            return registry.Cache(kind).Get("", value) is not { } existing || ParentOf(existing.ToJsonObject()) == (ns, name);
        }

        try
        {
            var reply = await registry.CreateAsync(kind, "", Reservation(kind, value, ns, name), WriteOptions.Default, ct).ConfigureAwait(false);
            reserved.Add((kind, value, ObjectMeta.Uid(reply.ToJsonObject()) ?? ""));
            return true;
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            return false;
        }
    }

    private async Task ReleaseAsync(ResourceKind kind, string value, string ns, string name, CancellationToken ct)
    {
        try
        {
            var held = await registry.GetAsync(kind, "", value, null, ct).ConfigureAwait(false);
            var obj = held.ToJsonObject();
            if (ParentOf(obj) == (ns, name))
            {
                await registry.DeleteAsync(kind, "", value, new DeleteOptions(PreconditionUid: ObjectMeta.Uid(obj)), ct).ConfigureAwait(false);
                LogReleased(logger, kind.Kind, value, ns, name);
            }
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
        catch (Exception e) when (e is ApiException or OperationCanceledException or TimeoutException)
        {
            // The repair at the next start frees what is left behind.
            LogReleaseFailed(logger, e, kind.Kind, value);
        }
    }

    private async Task RollBackAsync(IReadOnlyList<(ResourceKind Kind, string Name, string Uid)> reserved)
    {
        foreach (var (kind, value, uid) in reserved)
        {
            try
            {
                // Not the request's token: a cancelled request must still give back what it took.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await registry.DeleteAsync(kind, "", value, new DeleteOptions(PreconditionUid: uid), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ApiException or OperationCanceledException or TimeoutException)
            {
                LogReleaseFailed(logger, e, kind.Kind, value);
            }
        }
    }

    private static string Text(long port) => port.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 8300, Level = LogLevel.Debug, Message = "{Kind} {Value} released by Service {Namespace}/{Name}")]
    private static partial void LogReleased(ILogger logger, string kind, string value, string @namespace, string name);

    [LoggerMessage(EventId = 8301, Level = LogLevel.Warning, Message = "{Kind} {Value} could not be released; the repair at the next start frees it")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string kind, string value);
}

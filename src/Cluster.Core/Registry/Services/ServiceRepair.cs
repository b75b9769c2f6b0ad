using System.Text.Json.Nodes;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry.Services;

/// <summary>
/// The allocators' repair pass at start (upstream's Repair loops of the ipallocator and portallocator controllers):
/// a reservation whose Service is gone or no longer uses its value is freed (a crash between a reservation and the
/// Service's write leaves one behind), a Service value without a reservation (stored before reservations existed)
/// gets one, and the <c>kubernetes</c> Service in <c>default</c> is created with the range's first address.
/// </summary>
public sealed partial class ServiceRepair(ResourceRegistry registry, ServiceAllocator allocator, int apiServerPort, TimeSpan inFlightFor, TimeProvider clock, ILogger logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        await registry.SyncAsync(ct).ConfigureAwait(false);
        var services = registry.Cache(BuiltInKinds.Service).List(null).Items.Select(s => s.ToJsonObject()).ToArray();
        var heldIPs = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var heldPorts = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var owner = (ObjectMeta.Namespace(service), ObjectMeta.Name(service));
            var spec = JsonFields.Obj(service, "spec");
            if (ServiceNeeds.HeldIPOf(spec) is { } ip && allocator.IPRange.Contains(ip))
            {
                heldIPs.TryAdd(ip, owner);
            }

            foreach (var port in ServiceNeeds.HeldPortsOf(spec).Where(allocator.PortRange.Contains))
            {
                heldPorts.TryAdd(port.ToString(System.Globalization.CultureInfo.InvariantCulture), owner);
            }
        }

        await RepairAsync(BuiltInKinds.IPAddress, heldIPs, ct).ConfigureAwait(false);
        await RepairAsync(BuiltInKinds.ServiceNodePort, heldPorts, ct).ConfigureAwait(false);
        await EnsureKubernetesServiceAsync(ct).ConfigureAwait(false);
    }

    private async Task RepairAsync(ResourceKind kind, Dictionary<string, (string, string)> held, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var cached in registry.Cache(kind).List(null).Items)
        {
            var reservation = cached.ToJsonObject();
            if (ObjectMeta.Labels(reservation).GetValueOrDefault("ipaddress.kubernetes.io/managed-by") != ServiceAllocator.ManagedBy)
            {
                continue; // someone else's IPAddress
            }

            var parent = ServiceAllocator.ParentOf(reservation);
            var young = DateTimeOffset.TryParse(ObjectMeta.GetString(reservation["metadata"], "creationTimestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
                && now - created < inFlightFor;
            if ((held.TryGetValue(cached.Name, out var owner) && owner == parent) || young)
            {
                // In use, or reserved by a write that may still be on its way.
                held.Remove(cached.Name);
                continue;
            }

            try
            {
                await registry.DeleteAsync(kind, "", cached.Name, new DeleteOptions(PreconditionUid: ObjectMeta.Uid(reservation)), ct).ConfigureAwait(false);
                LogFreed(logger, kind.Kind, cached.Name, parent.Namespace, parent.Name);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
            }
        }

        foreach (var (value, (ns, name)) in held)
        {
            if (registry.Cache(kind).Get("", value) is not null)
            {
                LogShared(logger, kind.Kind, value, ns, name);
                continue;
            }

            try
            {
                await registry.CreateAsync(kind, "", ServiceAllocator.Reservation(kind, value, ns, name), WriteOptions.Default, ct).ConfigureAwait(false);
                LogAdopted(logger, kind.Kind, value, ns, name);
            }
            catch (ApiException e) when (e.Reason == "AlreadyExists")
            {
            }
        }
    }

    private async Task EnsureKubernetesServiceAsync(CancellationToken ct)
    {
        if (registry.Cache(BuiltInKinds.Service).Get("default", "kubernetes") is not null)
        {
            return;
        }

        var service = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kubernetes",
                ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = allocator.IPRange.First,
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = apiServerPort }),
            },
        };
        try
        {
            await registry.CreateAsync(BuiltInKinds.Service, "default", service, WriteOptions.Default, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Reason is "AlreadyExists" or "Invalid")
        {
            // Another member made it first (or holds its address while doing so).
        }
    }

    [LoggerMessage(EventId = 8310, Level = LogLevel.Information, Message = "{Kind} {Value} freed: its Service {Namespace}/{Name} no longer holds it")]
    private static partial void LogFreed(ILogger logger, string kind, string value, string @namespace, string name);

    [LoggerMessage(EventId = 8311, Level = LogLevel.Information, Message = "{Kind} {Value} reserved for Service {Namespace}/{Name}, which held it without a reservation")]
    private static partial void LogAdopted(ILogger logger, string kind, string value, string @namespace, string name);

    [LoggerMessage(EventId = 8312, Level = LogLevel.Warning, Message = "{Kind} {Value} of Service {Namespace}/{Name} is reserved for another Service")]
    private static partial void LogShared(ILogger logger, string kind, string value, string @namespace, string name);
}

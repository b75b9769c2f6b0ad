using System.Text.Json.Nodes;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Services;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry;

/// <summary>
/// Service writes with their cluster IP and node ports (upstream's Service REST storage around the generic store):
/// the registry runs the rules on the stored version first, as the object's actor will, reserves what the prepared
/// Service needs, and sends the write with the reservation for the actor to fill in; a failed write gives back what
/// it reserved, a successful one what it no longer uses, and a removed Service everything it held.
/// </summary>
public sealed partial class ResourceRegistry
{
    private const int ServiceWriteAttempts = 5;
    private ServiceAllocator? _allocator;

    /// <summary>The Service cluster IP and node-port allocator.</summary>
    public ServiceAllocator Allocator => _allocator ??= new ServiceAllocator(
        this, _settings.ServiceClusterIPRange, _settings.ServiceNodePortRange, _random, _loggers.CreateLogger<ServiceAllocator>());

    private async Task<ObjectReply> CreateServiceAsync(string ns, string name, JsonObject obj, WriteOptions options, CancellationToken ct)
    {
        // Invalid Services are refused before anything is reserved, with the actor's own answer.
        var prepared = RulesFor(BuiltInKinds.Service).Create(null, (JsonObject)obj.DeepClone(), options).Reply;
        var reservation = await Allocator.ReserveAsync(ns, name, ServiceNeeds.Of(prepared, null), "", options.DryRun, ct).ConfigureAwait(false);
        try
        {
            return await SendAsync(BuiltInKinds.Service, ns, name, new ObjectCommand.Create(obj, options with { Allocation = reservation.Allocation }), ct).ConfigureAwait(false);
        }
        catch
        {
            await Allocator.RollBackAsync(reservation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An update or patch of a Service: planned on the stored version and sent as based on it; when the object moved
    /// on meanwhile (409), the reservation is given back and the write planned again on the newer version.
    /// </summary>
    private async Task<ObjectReply> ChangeServiceAsync(string ns, string name, Func<ObjectRules, JsonObject?, Decision> decide, Func<WriteOptions, object> command, WriteOptions options, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await SyncAsync(ct).ConfigureAwait(false);
            var current = Feed.Cache(BuiltInKinds.Service).Get(ns, name)?.ToJsonObject();
            var decision = decide(RulesFor(BuiltInKinds.Service), current);
            if (decision.Removed)
            {
                // The last finalizer removed: nothing to allocate, and the release follows the removal.
                return await SendAsync(BuiltInKinds.Service, ns, name, command(options), ct).ConfigureAwait(false);
            }

            var basedOn = current is null ? "" : ObjectMeta.ResourceVersion(current) ?? "";
            var reservation = await Allocator.ReserveAsync(ns, name, ServiceNeeds.Of(decision.Reply, current), basedOn, options.DryRun, ct).ConfigureAwait(false);
            ObjectReply reply;
            try
            {
                reply = await SendAsync(BuiltInKinds.Service, ns, name, command(options with { Allocation = reservation.Allocation }), ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409 && attempt < ServiceWriteAttempts)
            {
                await Allocator.RollBackAsync(reservation).ConfigureAwait(false);
                continue;
            }
            catch
            {
                await Allocator.RollBackAsync(reservation).ConfigureAwait(false);
                throw;
            }

            if (!options.DryRun && reply.ResourceVersion > 0)
            {
                await Allocator.ReleaseAsync(ns, name, reservation.ReleasedIP, reservation.ReleasedPorts, ct).ConfigureAwait(false);
            }

            return reply;
        }
    }
}

using System.Globalization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;

namespace Cluster.Controllers.Informers;

/// <summary>Where an informer lists and watches a kind: the node's registry, or a bare watch cache in specs.</summary>
public interface IObjectSource
{
    /// <summary>
    /// A watch of every object of <paramref name="kind"/>: <paramref name="from"/> null gives ADDED events for the
    /// current objects (a consistent read) and then every change; a version gives every change after it (an
    /// <see cref="ApiException"/> 410 when that is older than the history).
    /// </summary>
    Task<Watcher> WatchAsync(ResourceKind kind, long? from, CancellationToken ct);
}

/// <summary>The registry of this member (its watch cache, fed by the journal), which every informer of the member shares.</summary>
public sealed class RegistrySource(ResourceRegistry registry) : IObjectSource
{
    public async Task<Watcher> WatchAsync(ResourceKind kind, long? from, CancellationToken ct)
    {
        var options = new ListOptions(ResourceVersion: from?.ToString(CultureInfo.InvariantCulture) ?? "");
        var (watcher, _) = await registry.WatchAsync(kind, null, options, ct).ConfigureAwait(false);
        return watcher;
    }
}

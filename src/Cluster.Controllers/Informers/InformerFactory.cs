using Cluster.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Informers;

/// <summary>One informer per kind for every controller of the member, so a kind is listed and watched once however many controllers follow it.</summary>
public sealed class InformerFactory(IObjectSource source, TimeProvider clock, ILoggerFactory loggers, TimeSpan? resync = null) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKind, SharedInformer> _informers = [];
    private bool _started;

    /// <summary>The kind's informer, made on first use (and started at once when the factory already is).</summary>
    public SharedInformer For(ResourceKind kind)
    {
        lock (_lock)
        {
            if (!_informers.TryGetValue(kind, out var informer))
            {
                informer = new SharedInformer(source, kind, clock, loggers.CreateLogger<SharedInformer>(), resync);
                _informers[kind] = informer;
                if (_started)
                {
                    informer.Start();
                }
            }

            return informer;
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            _started = true;
            foreach (var informer in _informers.Values)
            {
                informer.Start();
            }
        }
    }

    /// <summary>Until every informer made so far has delivered its first list.</summary>
    public Task WaitForSyncAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.WhenAll(_informers.Values.Select(i => i.WaitForSyncAsync(ct)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<SharedInformer> informers;
        lock (_lock)
        {
            informers = [.. _informers.Values];
            _informers.Clear();
        }

        foreach (var informer in informers)
        {
            await informer.DisposeAsync().ConfigureAwait(false);
        }
    }
}

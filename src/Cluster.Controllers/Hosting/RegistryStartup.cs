using Cluster.Controllers.Informers;
using Cluster.Core.Registry;

namespace Cluster.Controllers.Hosting;

/// <summary>What every singleton control loop waits for before it acts: a registry that serves, and informers that have listed.</summary>
public static class RegistryStartup
{
    public static async Task WaitForInformersAsync(ResourceRegistry registry, InformerFactory informers, TimeProvider clock, CancellationToken ct)
    {
        // Informers list through the registry, which serves once the member's watch cache has loaded.
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await registry.SyncAsync(ct).ConfigureAwait(false);
                break;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct).ConfigureAwait(false);
            }
        }

        informers.Start();
        await informers.WaitForSyncAsync(ct).ConfigureAwait(false);
    }
}

namespace Cluster.Node.Proxy;

/// <summary>Where the service proxy's forwarding is put into effect: iptables rules, or user-space listeners.</summary>
public interface IProxyBackend : IAsyncDisposable
{
    /// <summary>Prepares the host (kernel settings, what a previous run left); called once before the first sync.</summary>
    Task StartAsync(CancellationToken ct);

    /// <summary>
    /// Forwards exactly <paramref name="ports"/>; with <paramref name="full"/> everything is written again even if
    /// nothing changed. Answers whether the forwarding changed.
    /// </summary>
    Task<bool> ApplyAsync(IReadOnlyList<ProxyServicePort> ports, bool full, CancellationToken ct);

    /// <summary>Removes all forwarding this proxy put in place.</summary>
    Task CleanupAsync(CancellationToken ct);
}

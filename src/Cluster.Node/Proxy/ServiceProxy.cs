using System.Diagnostics;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Proxy;

/// <summary>
/// The node's service proxy (kube-proxy): follows the Services and EndpointSlices in the registry's watch caches and
/// keeps forwarding in step with them. Every change (seen within <see cref="ProxySettings.PollInterval"/>) rebuilds
/// the whole rule set from the current objects and applies it only when it differs from what was applied, so a
/// sync is idempotent and a restarted proxy converges on the same rules; every <see cref="ProxySettings.SyncPeriod"/>
/// it is applied regardless, to repair what others removed.
/// </summary>
/// <param name="runsDockerPods">This node's agent runs pods in Docker: what <see cref="ProxyMode.Auto"/> proxies for.</param>
public sealed partial class ServiceProxy(
    ProxySettings settings, bool runsDockerPods, ResourceRegistry registry, string nodeName, TimeProvider time, ILogger<ServiceProxy> logger)
    : IHostedService, IAsyncDisposable
{
    private readonly BackgroundLoop _loop = new();
    private IProxyBackend? _backend;
    private long _syncs;

    /// <summary>The mode in force once started (never Auto).</summary>
    public ProxyMode Mode { get; private set; } = ProxyMode.None;

    /// <summary>The backend in force once started (null in mode None).</summary>
    public IProxyBackend? Backend => _backend;

    /// <summary>Syncs that changed the forwarding.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>How long the last applied sync took, from reading the objects to the rules in place.</summary>
    public TimeSpan LastSyncDuration { get; private set; }

    /// <summary>The service ports the last sync forwards.</summary>
    public IReadOnlyList<ProxyServicePort> Current { get; private set; } = [];

    /// <summary>The newest Service and EndpointSlice versions whose changes are in force (for tests and the benchmark).</summary>
    public (long Services, long Slices) AppliedVersions { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var iptables = new Iptables();
        var mode = settings.Mode;
        if (mode == ProxyMode.Auto)
        {
            mode = !runsDockerPods ? ProxyMode.None
                : await iptables.UsableAsync(cancellationToken).ConfigureAwait(false) ? ProxyMode.Iptables
                : ProxyMode.Userspace;
        }
        else if (mode == ProxyMode.Iptables && !await iptables.UsableAsync(cancellationToken).ConfigureAwait(false))
        {
            LogNoIptables(logger);
            mode = ProxyMode.Userspace;
        }

        var podCidr = settings.ClusterCidr.Length > 0 ? settings.ClusterCidr : PodNetwork.DockerBridgeCidr();
        LogMode(logger, mode.ToString().ToLowerInvariant(), nodeName, podCidr);
        Mode = mode;
        if (mode == ProxyMode.None)
        {
            return;
        }

        _backend = mode == ProxyMode.Iptables ? new IptablesBackend(iptables, podCidr, new Conntrack(logger)) : new UserspaceBackend(logger);
        await _backend.StartAsync(cancellationToken).ConfigureAwait(false);
        var started = _backend;
        _loop.Start(ct => RunAsync(started, ct));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_backend is not { } backend)
        {
            return;
        }

        await _loop.StopAsync().ConfigureAwait(false);
        if (settings.CleanupOnStop)
        {
            try
            {
                await backend.CleanupAsync(cancellationToken).ConfigureAwait(false);
                LogCleanedUp(logger);
            }
            catch (Exception e) when (e is IptablesException or IOException or OperationCanceledException)
            {
                LogCleanupFailed(logger, e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!await _loop.DisposeOnceAsync().ConfigureAwait(false))
        {
            return;
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync(IProxyBackend backend, CancellationToken ct)
    {
        var services = registry.Cache(BuiltInKinds.Service);
        var slices = registry.Cache(BuiltInKinds.EndpointSlice);
        (long, long)? seen = null;
        var lastFull = long.MinValue;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var versions = (services.LastChangeVersion, slices.LastChangeVersion);
            var full = lastFull == long.MinValue || time.GetElapsedTime(lastFull) >= settings.SyncPeriod;
            if (seen != versions || full)
            {
                try
                {
                    await SyncAsync(backend, services, slices, full, versions, ct).ConfigureAwait(false);
                    seen = versions;
                    failures = 0;
                    if (full)
                    {
                        lastFull = time.GetTimestamp();
                    }
                }
                catch (Exception e) when (e is IptablesException or IOException or System.ComponentModel.Win32Exception && !ct.IsCancellationRequested)
                {
                    // Tried again on the next tick, backing off to a second between attempts.
                    failures++;
                    LogSyncFailed(logger, e.Message);
                    await Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * failures)), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
            }

            await Delay(settings.PollInterval, ct).ConfigureAwait(false);
        }
    }

    private async Task SyncAsync(IProxyBackend backend, KindCache services, KindCache slices, bool full, (long, long) versions, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var ports = ProxyModel.Build(
            services.List(null).Items.Select(o => o.As<V1Service>()),
            slices.List(null).Items.Select(o => o.As<V1EndpointSlice>()),
            nodeName);
        if (await backend.ApplyAsync(ports, full, ct).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _syncs);
            LastSyncDuration = Stopwatch.GetElapsedTime(started);
            LogSynced(logger, ports.Count, LastSyncDuration.TotalMilliseconds);
        }

        Current = ports;
        AppliedVersions = versions;
    }

    private async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop sees the token.
        }
    }

    [LoggerMessage(EventId = 9400, Level = LogLevel.Information, Message = "Service proxy mode: {Mode} (node {Node}, pods in {PodCidr})")]
    private static partial void LogMode(ILogger logger, string mode, string node, string podCidr);

    [LoggerMessage(EventId = 9405, Level = LogLevel.Warning, Message = "Service proxy: iptables cannot be used here (not installed, or not root); falling back to the user-space proxy")]
    private static partial void LogNoIptables(ILogger logger);

    [LoggerMessage(EventId = 9401, Level = LogLevel.Debug, Message = "Service proxy synced {Ports} service ports in {Milliseconds} ms")]
    private static partial void LogSynced(ILogger logger, int ports, double milliseconds);

    [LoggerMessage(EventId = 9402, Level = LogLevel.Warning, Message = "Service proxy sync failed, trying again: {Error}")]
    private static partial void LogSyncFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 9403, Level = LogLevel.Information, Message = "Service proxy removed its rules")]
    private static partial void LogCleanedUp(ILogger logger);

    [LoggerMessage(EventId = 9404, Level = LogLevel.Warning, Message = "Service proxy could not remove its rules: {Error}")]
    private static partial void LogCleanupFailed(ILogger logger, string error);
}

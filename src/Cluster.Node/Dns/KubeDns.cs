using System.Net;
using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Dns;

/// <summary>
/// Puts this node's DNS server behind the cluster's DNS Service, <c>kube-system/kube-dns</c>, as a cluster add-on
/// would: the Service (no selector; cluster IP the 10th address of the service range, 10.96.0.10 by default, as
/// kubeadm's) is made if missing, and this node adds its own EndpointSlice naming its address and DNS port; the slice
/// goes when the node stops. Pods are pointed at the Service's cluster IP (their ClusterFirst resolv.conf), and the
/// service proxy carries their queries to the nodes serving DNS. Checked again every <see cref="Recheck"/>, so a
/// deleted Service or slice comes back.
/// </summary>
public sealed partial class KubeDns(ClusterDnsServer server, ResourceRegistry registry, string nodeName, TimeProvider time, ILogger<KubeDns> logger)
    : IHostedService, IAsyncDisposable
{
    public const string Namespace = "kube-system";
    public const string Name = "kube-dns";
    public const string ManagedBy = "cluster-dns.cluster.local";

    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private volatile bool _registered;
    private int _disposed;

    /// <summary>The EndpointSlice this node keeps.</summary>
    public string SliceName => Name + "-" + nodeName;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (server.Endpoint is not null)
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (!_registered)
        {
            return;
        }

        // Other nodes' pods must stop sending queries here.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await registry.DeleteAsync(BuiltInKinds.EndpointSlice, Namespace, SliceName, DeleteOptions.Default, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiException or OperationCanceledException)
        {
            LogUnregisterFailed(logger, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = Recheck;
            try
            {
                if (Address() is { } address)
                {
                    await EnsureServiceAsync(ct).ConfigureAwait(false);
                    await EnsureSliceAsync(address, server.Endpoint!.Port, ct).ConfigureAwait(false);
                    if (!_registered)
                    {
                        _registered = true;
                        LogRegistered(logger, address, server.Endpoint.Port);
                    }
                }
                else
                {
                    // The Node object (with this node's address) is not written yet.
                    wait = TimeSpan.FromMilliseconds(500);
                }
            }
            catch (ApiException e)
            {
                // The registry is starting, or a write raced another's: again shortly.
                LogRegisterFailed(logger, e.Message);
                wait = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Where pods reach this node's DNS: the address it listens on, or with a wildcard listener the node's InternalIP.
    /// Null when pods cannot reach it (loopback) or the address is not known yet.
    /// </summary>
    private string? Address()
    {
        var listening = server.Endpoint!.Address;
        if (IPAddress.IsLoopback(listening))
        {
            return null;
        }

        if (!listening.Equals(IPAddress.Any))
        {
            return listening.ToString();
        }

        return registry.Cache(BuiltInKinds.Node).Get("", nodeName)?.As<V1Node>().Status?.Addresses?
            .FirstOrDefault(a => a.Type == "InternalIP")?.Address;
    }

    private async Task EnsureServiceAsync(CancellationToken ct)
    {
        if (registry.Cache(BuiltInKinds.Service).Get(Namespace, Name) is not null)
        {
            return;
        }

        var service = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { ["k8s-app"] = "kube-dns", ["kubernetes.io/name"] = "CoreDNS" },
            },
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = registry.Allocator.IPRange.At(9),
                ["ports"] = new JsonArray(
                    new JsonObject { ["name"] = "dns", ["port"] = 53, ["protocol"] = "UDP", ["targetPort"] = 53 },
                    new JsonObject { ["name"] = "dns-tcp", ["port"] = 53, ["protocol"] = "TCP", ["targetPort"] = 53 }),
            },
        };
        try
        {
            await registry.CreateAsync(BuiltInKinds.Service, Namespace, service, WriteOptions.Default, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            // Another node made it first.
        }
    }

    private async Task EnsureSliceAsync(string address, int port, CancellationToken ct)
    {
        var endpoints = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(address),
            ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
            ["nodeName"] = nodeName,
        });
        var ports = new JsonArray(
            new JsonObject { ["name"] = "dns", ["port"] = port, ["protocol"] = "UDP" },
            new JsonObject { ["name"] = "dns-tcp", ["port"] = port, ["protocol"] = "TCP" });
        if (registry.Cache(BuiltInKinds.EndpointSlice).Get(Namespace, SliceName) is { } existing)
        {
            var slice = existing.As<V1EndpointSlice>();
            if (slice.Endpoints?.SingleOrDefault()?.Addresses?.SingleOrDefault() == address && slice.Ports?.All(p => p.Port == port) == true)
            {
                return;
            }

            await registry.PatchAsync(BuiltInKinds.EndpointSlice, Namespace, SliceName, PatchType.Merge,
                new JsonObject { ["endpoints"] = endpoints, ["ports"] = ports }, null, WriteOptions.Default, ct).ConfigureAwait(false);
            return;
        }

        var created = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = SliceName,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = Name, ["endpointslice.kubernetes.io/managed-by"] = ManagedBy },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = endpoints,
            ["ports"] = ports,
        };
        try
        {
            await registry.CreateAsync(BuiltInKinds.EndpointSlice, Namespace, created, WriteOptions.Default, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            // A previous run of this node left it: the next check brings it up to date.
        }
    }

    [LoggerMessage(EventId = 9310, Level = LogLevel.Information, Message = "Cluster DNS: this node ({Address}:{Port}) serves the kube-system/kube-dns Service")]
    private static partial void LogRegistered(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 9311, Level = LogLevel.Debug, Message = "Cluster DNS: registering behind kube-dns failed, trying again: {Error}")]
    private static partial void LogRegisterFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 9312, Level = LogLevel.Warning, Message = "Cluster DNS: could not remove this node's kube-dns endpoints: {Error}")]
    private static partial void LogUnregisterFailed(ILogger logger, string error);
}

using System.Net;
using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Endpoints;

/// <summary>
/// Puts something this node serves behind a Service without a selector, as a cluster add-on or the API server's
/// endpoint reconciler would: the Service is made if missing (<see cref="EnsureServiceAsync"/>), and this node keeps
/// its own EndpointSlice (<c>SERVICE-NODE</c>) naming its address and ports; the slice goes when the node stops.
/// Checked again every <see cref="Recheck"/>, so a deleted Service or slice comes back. Nothing is published while
/// the server listens on loopback only: no pod could reach it there.
/// </summary>
public abstract partial class NodeEndpointPublisher(ResourceRegistry registry, string nodeName, TimeProvider time, ILogger logger)
    : IHostedService, IAsyncDisposable
{
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    private readonly BackgroundLoop _loop = new();
    private volatile bool _registered;

    /// <summary>The Service's namespace and name.</summary>
    protected abstract (string Namespace, string Name) Service { get; }

    /// <summary>The slices' endpointslice.kubernetes.io/managed-by label.</summary>
    protected abstract string ManagedBy { get; }

    /// <summary>Where the server listens; null while it does not serve.</summary>
    protected abstract IPEndPoint? Listening { get; }

    /// <summary>The EndpointSlice this node keeps.</summary>
    public string SliceName => Service.Name + "-" + nodeName;

    protected ResourceRegistry Registry => registry;

    /// <summary>The slice's ports, all on <paramref name="port"/>.</summary>
    protected abstract JsonArray Ports(int port);

    /// <summary>Makes the Service when it is missing; nothing when someone else owns it.</summary>
    protected virtual Task EnsureServiceAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Listening is { } listening && !IPAddress.IsLoopback(listening.Address) && listening.Port > 0)
        {
            _loop.Start(RunAsync);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _loop.StopAsync().ConfigureAwait(false);
        if (!_registered)
        {
            return;
        }

        // Other nodes' proxies must stop sending traffic here.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await registry.DeleteAsync(BuiltInKinds.EndpointSlice, Service.Namespace, SliceName, DeleteOptions.Default, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiException or OperationCanceledException)
        {
            LogUnregisterFailed(logger, Service.Namespace, Service.Name, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeOnceAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
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
                    await EnsureSliceAsync(address, Listening!.Port, ct).ConfigureAwait(false);
                    if (!_registered)
                    {
                        _registered = true;
                        LogRegistered(logger, address, Listening.Port, Service.Namespace, Service.Name);
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
                LogRegisterFailed(logger, Service.Namespace, Service.Name, e.Message);
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

    /// <summary>Where pods reach the server: the address it listens on, or with a wildcard listener the node's InternalIP.</summary>
    private string? Address()
    {
        var listening = Listening!.Address;
        if (!listening.Equals(IPAddress.Any))
        {
            return listening.ToString();
        }

        return registry.Cache(BuiltInKinds.Node).Get("", nodeName)?.As<V1Node>().Status?.Addresses?
            .FirstOrDefault(a => a.Type == "InternalIP")?.Address;
    }

    private async Task EnsureSliceAsync(string address, int port, CancellationToken ct)
    {
        var (ns, service) = Service;
        var endpoints = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(address),
            ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
            ["nodeName"] = nodeName,
        });
        if (registry.Cache(BuiltInKinds.EndpointSlice).Get(ns, SliceName) is { } existing)
        {
            var slice = existing.As<V1EndpointSlice>();
            if (slice.Endpoints?.SingleOrDefault()?.Addresses?.SingleOrDefault() == address && slice.Ports?.All(p => p.Port == port) == true)
            {
                return;
            }

            await registry.PatchAsync(BuiltInKinds.EndpointSlice, ns, SliceName, PatchType.Merge,
                new JsonObject { ["endpoints"] = endpoints, ["ports"] = Ports(port) }, null, WriteOptions.Default, ct).ConfigureAwait(false);
            return;
        }

        var created = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = SliceName,
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service, ["endpointslice.kubernetes.io/managed-by"] = ManagedBy },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = endpoints,
            ["ports"] = Ports(port),
        };
        try
        {
            await registry.CreateAsync(BuiltInKinds.EndpointSlice, ns, created, WriteOptions.Default, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            // A previous run of this node left it: the next check brings it up to date.
        }
    }

    [LoggerMessage(EventId = 9310, Level = LogLevel.Information, Message = "This node ({Address}:{Port}) serves behind the {Namespace}/{Service} Service")]
    private static partial void LogRegistered(ILogger logger, string address, int port, string @namespace, string service);

    [LoggerMessage(EventId = 9311, Level = LogLevel.Debug, Message = "Registering behind {Namespace}/{Service} failed, trying again: {Error}")]
    private static partial void LogRegisterFailed(ILogger logger, string @namespace, string service, string error);

    [LoggerMessage(EventId = 9312, Level = LogLevel.Warning, Message = "Could not remove this node's endpoints behind {Namespace}/{Service}: {Error}")]
    private static partial void LogUnregisterFailed(ILogger logger, string @namespace, string service, string error);
}

using Cluster.Api.Http;
using Cluster.Api.Streaming;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Resources;

/// <summary>
/// pods/{name}/exec, /attach and /portforward: checked here as upstream's ExecLocation and AttachLocation do, then the
/// connection is upgraded to the client's WebSocket protocol and joined to the container through the pod's node agent.
/// </summary>
public sealed partial class ResourceHandlers
{
    private async Task ExecAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var (pod, container) = await PodContainerAsync(context, path, ct).ConfigureAwait(false);
        var command = context.Request.Query["command"].Select(c => c ?? "").ToList();
        if (command.Count == 0)
        {
            throw ApiException.BadRequest("you must specify at least one command for the container");
        }

        var (stdin, stdout, stderr, tty) = StreamFlags(context, pod, path);
        if (await ForwardedAsync(context, pod, ct).ConfigureAwait(false))
        {
            return;
        }

        var session = await Streams(context).ExecAsync(pod.Cached.Json, container, command, tty, ct).ConfigureAwait(false);
        await ServeChannelsAsync(context, stdin, stdout, stderr, tty, session, ct).ConfigureAwait(false);
    }

    private async Task AttachAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var (pod, container) = await PodContainerAsync(context, path, ct).ConfigureAwait(false);
        var (stdin, stdout, stderr, tty) = StreamFlags(context, pod, path);
        if (await ForwardedAsync(context, pod, ct).ConfigureAwait(false))
        {
            return;
        }

        var session = await Streams(context).AttachAsync(pod.Cached.Json, container, tty, ct).ConfigureAwait(false);
        await ServeChannelsAsync(context, stdin, stdout, stderr, tty, session, ct).ConfigureAwait(false);
    }

    private async Task PortForwardAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var cached = await registry.GetAsync(BuiltInKinds.Pod, Namespace(path), path.Name!, null, ct).ConfigureAwait(false);
        var pod = StreamTarget.Of(cached, ObjectState.Parse(cached.Json), path);
        var websocket = WebSocketUpgrade.IsRequested(context);
        var spdy = !websocket && context.Request.Headers.Upgrade.ToString().Equals(PortForwardProtocol.SpdyUpgrade, StringComparison.OrdinalIgnoreCase);
        if (!websocket && !spdy)
        {
            throw ApiException.BadRequest("Upgrade request required: port forwarding speaks SPDY/3.1, tunnelled over a WebSocket (" + PortForwardProtocol.Tunnelled + ") or on its own");
        }

        if (websocket ? !WebSocketUpgrade.OfferedProtocols(context).Contains(PortForwardProtocol.Tunnelled) : !context.Request.Headers["X-Stream-Protocol-Version"].Contains(PortForwardProtocol.Name))
        {
            throw ApiException.BadRequest("unable to negotiate a port forwarding protocol: this server speaks " + PortForwardProtocol.Name);
        }

        if (await ForwardedAsync(context, pod, ct).ConfigureAwait(false))
        {
            return;
        }

        var connector = await Streams(context).PortForwardAsync(cached.Json, ct).ConfigureAwait(false);
        var name = $"{path.Name}, uid {ObjectMeta.GetString(pod.Pod["metadata"], "uid")}";
        if (websocket)
        {
            using var socket = await WebSocketUpgrade.AcceptAsync(context, PortForwardProtocol.Tunnelled).ConfigureAwait(false);
            await PortForwardProtocol.ServeAsync(socket, connector, name, ct).ConfigureAwait(false);
        }
        else
        {
            await using var stream = await PortForwardProtocol.UpgradeSpdyAsync(context).ConfigureAwait(false);
            await PortForwardProtocol.ServeAsync(stream, connector, name, ct).ConfigureAwait(false);
        }
    }

    private static (bool Stdin, bool Stdout, bool Stderr, bool Tty) StreamFlags(HttpContext context, StreamTarget pod, ApiPath path)
    {
        var request = context.Request;
        var flags = (ApiQuery.Flag(request, "stdin"), ApiQuery.Flag(request, "stdout"), ApiQuery.Flag(request, "stderr"), ApiQuery.Flag(request, "tty"));
        if (flags is (false, false, false, _))
        {
            throw ApiException.BadRequest("you must specify at least 1 of stdin, stdout, stderr");
        }

        var phase = ObjectMeta.GetString(pod.Pod["status"], "phase");
        if (phase is "Succeeded" or "Failed")
        {
            throw ApiException.BadRequest($"cannot exec into or attach to a container in a completed pod {path.Name}; current phase is {phase}");
        }

        return flags;
    }

    /// <summary>True when the pod's node has its agent on another cluster member, which answered the request.</summary>
    private Task<bool> ForwardedAsync(HttpContext context, StreamTarget pod, CancellationToken ct) =>
        NodeProxy.TryForwardAsync(context, registry, pod.NodeName, ct);

    private static IPodStreams Streams(HttpContext context) =>
        context.RequestServices.GetService<IPodStreams>() ?? throw ApiException.Unavailable("this server has no node agent to reach containers through");

    private static async Task ServeChannelsAsync(HttpContext context, bool stdin, bool stdout, bool stderr, bool tty, ContainerSession session, CancellationToken ct)
    {
        if (!WebSocketUpgrade.IsRequested(context))
        {
            throw ApiException.BadRequest("Upgrade request required: this server speaks the WebSocket channel protocols (" + RemoteCommandChannels.V5 + " and older)");
        }

        var protocol = RemoteCommandChannels.Choose(WebSocketUpgrade.OfferedProtocols(context))
            ?? throw ApiException.BadRequest("none of the offered WebSocket protocols is spoken here; use " + RemoteCommandChannels.V5 + " (or an older channel.k8s.io version)");
        using var socket = await WebSocketUpgrade.AcceptAsync(context, protocol).ConfigureAwait(false);
        await RemoteCommandChannels.ServeAsync(socket, protocol, stdin, stdout, stderr, tty, session, ct).ConfigureAwait(false);
    }
}

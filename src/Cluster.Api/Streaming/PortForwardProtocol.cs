using System.Net.WebSockets;
using Cluster.Api.Streaming.Spdy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cluster.Api.Streaming;

/// <summary>
/// pods/{name}/portforward as kubectl 1.32 speaks it: SPDY/3.1 carrying <c>portforward.k8s.io</c>, tunnelled over a
/// WebSocket (subprotocol <c>SPDY/3.1+portforward.k8s.io</c>) or, when kubectl falls back, on the connection upgraded
/// to SPDY/3.1 itself. The ports come in each stream's headers, not in the URL.
/// </summary>
public static class PortForwardProtocol
{
    public const string Name = "portforward.k8s.io";
    public const string Tunnelled = "SPDY/3.1+" + Name;
    public const string SpdyUpgrade = "SPDY/3.1";

    public static async Task ServeAsync(WebSocket socket, PodPortConnector connect, string pod, CancellationToken ct)
    {
        using var session = new PortForwardSession(new WebSocketSpdyTransport(socket), connect, pod);
        await session.RunAsync(ct).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }

    public static async Task ServeAsync(Stream upgraded, PodPortConnector connect, string pod, CancellationToken ct)
    {
        using var session = new PortForwardSession(new StreamSpdyTransport(upgraded), connect, pod);
        await session.RunAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Answers 101 to a SPDY/3.1 upgrade naming this protocol, and answers the raw connection.</summary>
    public static Task<Stream> UpgradeSpdyAsync(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            throw Cluster.Core.Registry.ApiException.BadRequest("Upgrade request required: this connection cannot be upgraded");
        }

        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = SpdyUpgrade;
        context.Response.Headers["X-Stream-Protocol-Version"] = Name;
        return upgrade.UpgradeAsync();
    }
}

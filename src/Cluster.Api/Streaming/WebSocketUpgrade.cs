using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cluster.Api.Streaming;

/// <summary>
/// The server's half of the RFC 6455 opening handshake, on Kestrel's upgrade feature: the API serves WebSockets on a few
/// subresource URLs only, so it needs no middleware in the host's pipeline (an embedding host composes only MapKubernetesApi).
/// </summary>
public static class WebSocketUpgrade
{
    private const string AcceptSuffix = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>True when the request asks to become a WebSocket.</summary>
    public static bool IsRequested(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        && context.Request.Headers.Upgrade.Any(v => v?.Contains("websocket", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The protocols the client offers (Sec-WebSocket-Protocol, comma separated, possibly over several headers).</summary>
    public static IReadOnlyList<string> OfferedProtocols(HttpContext context) =>
        [.. context.Request.Headers.SecWebSocketProtocol.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>Answers 101 with <paramref name="protocol"/> echoed, and answers the WebSocket over the upgraded connection.</summary>
    public static async Task<WebSocket> AcceptAsync(HttpContext context, string protocol)
    {
        var key = context.Request.Headers.SecWebSocketKey.ToString();
        if (string.IsNullOrEmpty(key) || context.Request.Headers.SecWebSocketVersion.ToString() != "13")
        {
            throw ApiException.BadRequest("a WebSocket upgrade needs Sec-WebSocket-Key and Sec-WebSocket-Version 13");
        }

#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the accept key; it proves the handshake was understood, it secures nothing.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + AcceptSuffix)));
#pragma warning restore CA5350
        var headers = context.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = accept;
        headers.SecWebSocketProtocol = protocol;
        var stream = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
        // The protocol is answered in the header only: .NET checks a subprotocol against the RFC token characters, and
        // "SPDY/3.1+portforward.k8s.io" (client-go's tunnelling protocol) has a slash.
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30), KeepAliveTimeout = TimeSpan.FromSeconds(60) });
    }
}

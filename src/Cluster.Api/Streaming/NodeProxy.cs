using System.Net.Sockets;
using System.Text;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Streaming;

/// <summary>Which nodes have their agent in this process (the API serves their logs and streams itself).</summary>
public interface IAgentDirectory
{
    bool Hosts(string nodeName);
}

/// <summary>
/// Logs, exec, attach and port-forward of a pod whose node's agent runs on another cluster member: the request is
/// passed as it came to that member's API (the address its agent published on the Node, as upstream's apiserver
/// dials the kubelet the Node names), and the answer, or after a 101 the upgraded connection, is relayed byte for byte.
/// </summary>
public static class NodeProxy
{
    /// <summary>The Node annotation holding HOST:PORT of the API its agent serves streams through.</summary>
    public const string EndpointAnnotation = "cluster.io/agent-endpoint";

    /// <summary>Set on a passed request, so a member that does not host the node either answers it or refuses, never passes it on again.</summary>
    private const string ForwardedHeader = "X-Cluster-Forwarded-For-Node";

    private static readonly string[] UpgradeHeaders = ["Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "X-Stream-Protocol-Version"];

    /// <summary>Passes the request on when the node's agent is elsewhere; false when this process hosts it.</summary>
    public static async Task<bool> TryForwardAsync(HttpContext context, ResourceRegistry registry, string nodeName, CancellationToken ct)
    {
        if (context.RequestServices.GetService<IAgentDirectory>()?.Hosts(nodeName) == true)
        {
            return false;
        }

        if (context.Request.Headers.ContainsKey(ForwardedHeader))
        {
            throw ApiException.Unavailable($"node {nodeName}'s agent is not on the cluster member its Node names");
        }

        var node = registry.Cache(BuiltInKinds.Node).Get("", nodeName) is { } cached ? ObjectState.Parse(cached.Json) : null;
        var endpoint = node?["metadata"]?["annotations"]?[EndpointAnnotation]?.GetValue<string>()
            ?? throw ApiException.Unavailable($"node {nodeName} has no agent endpoint to reach its containers through");
        var transport = context.RequestServices.GetService<NodeProxyTransport>() ?? NodeProxyTransport.Plain;
        var target = new Uri($"{transport.Scheme}://{endpoint}{context.Request.Path}{context.Request.QueryString}");
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade && context.Request.Headers.Upgrade.Count > 0)
        {
            await RelayUpgradeAsync(context, upgrade, transport, target, ct).ConfigureAwait(false);
        }
        else
        {
            await RelayAsync(context, transport.Http, target, ct).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task RelayAsync(HttpContext context, HttpClient http, Uri target, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        request.Headers.TryAddWithoutValidation(ForwardedHeader, "1");
        using var response = await Send(http, request, ct).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await context.Response.StartAsync(ct).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                // Followed logs must reach the client as they come.
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            // The other member broke off: the client must not take the cut for the end of the log.
            context.Abort();
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw ApiException.Unavailable($"the agent endpoint {request.RequestUri!.Authority} does not answer: {e.Message}");
        }
    }

    /// <summary>Sends the upgrade request on a connection of its own; on 101 joins the two upgraded connections, otherwise relays the refusal.</summary>
    private static async Task RelayUpgradeAsync(HttpContext context, IHttpUpgradeFeature upgrade, NodeProxyTransport transport, Uri target, CancellationToken ct)
    {
        using var socket = new TcpClient { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.Host, target.Port, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw ApiException.Unavailable($"the agent endpoint {target.Authority} does not answer: {e.Message}");
        }

        await using var upstream = await transport.ConnectAsync(socket, target.Host, ct).ConfigureAwait(false);
        var head = new StringBuilder().Append(context.Request.Method).Append(' ').Append(target.PathAndQuery).Append(" HTTP/1.1\r\nHost: ").Append(target.Authority).Append("\r\n");
        foreach (var name in UpgradeHeaders)
        {
            if (context.Request.Headers.TryGetValue(name, out var values))
            {
                head.Append(name).Append(": ").Append(string.Join(", ", values.ToArray())).Append("\r\n");
            }
        }

        head.Append(ForwardedHeader).Append(": 1\r\n\r\n");
        await upstream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct).ConfigureAwait(false);
        var (status, headers, early) = await ReadResponseHeadAsync(upstream, ct).ConfigureAwait(false);
        if (status != 101)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = headers.GetValueOrDefault("Content-Type");
            await context.Response.Body.WriteAsync(early, ct).ConfigureAwait(false);
            var length = long.TryParse(headers.GetValueOrDefault("Content-Length"), out var n) ? n - early.Length : 0;
            var buffer = new byte[8192];
            while (length > 0)
            {
                var read = await upstream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                length -= read;
            }

            return;
        }

        foreach (var (name, value) in headers)
        {
            if (name is not ("Content-Length" or "Date" or "Server"))
            {
                context.Response.Headers[name] = value;
            }
        }

        await using var client = await upgrade.UpgradeAsync().ConfigureAwait(false);
        await client.WriteAsync(early, ct).ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var down = upstream.CopyToAsync(client, done.Token);
        var up = CopyThenHalfCloseAsync(client, upstream, socket, done.Token);

        // One side finished sending: what the other still sends (a last Status, a close reply) gets a moment to pass.
        var first = await Task.WhenAny(down, up).ConfigureAwait(false);
        if (first.IsCompletedSuccessfully)
        {
            await Task.WhenAny(first == up ? down : up, Task.Delay(TimeSpan.FromSeconds(5), ct)).ConfigureAwait(false);
        }

        await done.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(down, up).ContinueWith(t => _ = t.Exception, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>Client to the other member; at the client's end, the connection to the member is half-closed as well.</summary>
    private static async Task CopyThenHalfCloseAsync(Stream client, Stream upstream, TcpClient socket, CancellationToken ct)
    {
        await client.CopyToAsync(upstream, ct).ConfigureAwait(false);
        if (upstream is System.Net.Security.SslStream tls)
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }

        socket.Client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>The status line and headers of an HTTP/1.1 response, and whatever bytes came after them in the same reads.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers, byte[] Early)> ReadResponseHeadAsync(Stream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        int end;
        while ((end = IndexOfBlankLine(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (read == 0 || received.Count > 64 * 1024)
            {
                throw ApiException.Unavailable("the agent endpoint closed the connection before answering");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var lines = Encoding.ASCII.GetString([.. received.Take(end)]).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (status, headers, [.. received.Skip(end + 4)]);
    }

    private static int IndexOfBlankLine(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cluster.Bench.Api;

/// <summary>
/// HTTP/1.1 to the node's Kubernetes API over loopback: one pooled <see cref="HttpClient"/> with room for
/// <c>maxConnections</c> requests in flight, and the small pods and patches the benchmark sends.
/// </summary>
public sealed class ApiClient : IDisposable
{
    public static readonly MediaTypeHeaderValue Json = new("application/json");
    public static readonly MediaTypeHeaderValue MergePatch = new("application/merge-patch+json");

    private readonly Version _version;

    /// <param name="tls">For an HTTPS node: the credentials and trust to set on the connection handler.</param>
    public ApiClient(Uri baseUri, int maxConnections, Action<SocketsHttpHandler>? tls = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
        };
        tls?.Invoke(handler);

        // A TLS setup that enables HTTP/2 gets it for every request, as client-go speaks to an HTTPS server.
        _version = handler.EnableMultipleHttp2Connections ? HttpVersion.Version20 : HttpVersion.Version11;
        Http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
    }

    public HttpClient Http { get; }

    /// <summary>A small pod as a client would create it (one container); the server adds the defaults.</summary>
    public static byte[] Pod(string ns, string name, string set) => Encoding.UTF8.GetBytes(
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app":"bench","bench-set":"{{{set}}}"}},"spec":{"containers":[{"name":"app","image":"registry.k8s.io/pause:3.10"}]}}""");

    /// <summary>A merge patch that changes one label, so every patch is a real write.</summary>
    public static byte[] LabelPatch(long value) => Encoding.UTF8.GetBytes(
        "{\"metadata\":{\"labels\":{\"bench-rev\":\"" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}}");

    public static byte[] ConfigMap(string ns, string name) => Encoding.UTF8.GetBytes(
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"data":{"k":"v"}}""");

    /// <summary>A merge patch that sets one data key of a ConfigMap, so every patch is a real write.</summary>
    public static byte[] DataPatch(long value) => Encoding.UTF8.GetBytes(
        "{\"data\":{\"n\":\"" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}");

    /// <summary>Sends one request and reads the whole response; null on 2xx, else what went wrong.</summary>
    public async Task<string?> SendAsync(HttpMethod method, string path, byte[]? body, MediaTypeHeaderValue? type, CancellationToken ct) =>
        (await SendAsync(method, path, body, type, Timeout.InfiniteTimeSpan, readVersion: false, ct)).Error;

    /// <summary>
    /// Sends one request that gives up after <paramref name="timeout"/> (a request stuck on a dead member fails
    /// instead of waiting); with <paramref name="readVersion"/> the reply's metadata.resourceVersion is parsed.
    /// </summary>
    public async Task<Reply> SendAsync(
        HttpMethod method, string path, byte[]? body, MediaTypeHeaderValue? type, TimeSpan timeout, bool readVersion, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Version = _version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = type ?? Json;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return readVersion ? new Reply(null, await ResourceVersionAsync(response, deadline.Token)) : default;
            }

            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            return new Reply($"{method} {path}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}", 0);
        }
        catch (HttpRequestException e)
        {
            return new Reply($"{method} {path}: {e.Message}", 0);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Reply($"{method} {path}: no answer within {timeout.TotalSeconds:0.#} s", 0);
        }
    }

    /// <summary>Creates a namespace; one that already exists is fine.</summary>
    public async Task EnsureNamespaceAsync(string name, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""");
        var error = await SendAsync(HttpMethod.Post, "/api/v1/namespaces", body, Json, ct);
        if (error is not null && !error.Contains(" 409 ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(error);
        }
    }

    /// <summary>The list's resourceVersion (a watch from it sees only later events).</summary>
    public async Task<string> ListResourceVersionAsync(string listPath, CancellationToken ct)
    {
        using var stream = await Http.GetStreamAsync(listPath + "?limit=1", ct);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return json.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()
            ?? throw new InvalidOperationException($"{listPath}: no resourceVersion");
    }

    public void Dispose() => Http.Dispose();

    private static async Task<long> ResourceVersionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return long.Parse(json.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>One request's outcome: <see cref="Error"/> is null on 2xx; <see cref="ResourceVersion"/> is 0 unless asked for.</summary>
public readonly record struct Reply(string? Error, long ResourceVersion);

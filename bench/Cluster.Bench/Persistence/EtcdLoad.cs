using System.Diagnostics;
using System.Net;
using System.Text;

namespace Cluster.Bench.Persistence;

/// <summary>Outcome of one load run: successful puts per second and their latency percentiles.</summary>
public sealed record LoadResult(
    int Concurrency, long Puts, long Errors, TimeSpan Elapsed, double OpsPerSecond,
    double P50Milliseconds, double P99Milliseconds, string? FirstError = null);

/// <summary>How puts reach etcd.</summary>
public enum EtcdTransport
{
    /// <summary>JSON over HTTP/1.1 to the gRPC gateway, one connection per concurrent put.</summary>
    JsonGateway,

    /// <summary>Native gRPC (hand-encoded PutRequest) over cleartext HTTP/2, multiplexed like etcd's Go client.</summary>
    Grpc,
}

/// <summary>Thrown when etcd answers a put with an error.</summary>
public sealed class EtcdException(string message) : Exception(message);

/// <summary>
/// A minimal etcd v3 client over the JSON gRPC gateway (<c>POST {prefix}/kv/put</c>, base64 key and value)
/// or over native gRPC (<see cref="EtcdTransport.Grpc"/>),
/// and a load runner: N workers, each doing sequential puts of <see cref="ValueSize"/>-byte values to keys of
/// its own, like N persistent actors each persisting events one after the other.
/// </summary>
public sealed class EtcdLoad : IDisposable
{
    public const int ValueSize = 200;

    private static readonly byte[] Value = CreateValue();
    private static readonly string ValueBase64 = Convert.ToBase64String(Value);
    private readonly HttpClient http;
    private readonly Uri putUri;

    private EtcdLoad(HttpClient http, Uri putUri, string apiPrefix, EtcdTransport transport)
    {
        this.http = http;
        this.putUri = putUri;
        ApiPrefix = apiPrefix;
        Transport = transport;
    }

    /// <summary>The gateway prefix in use: <c>/v3</c>, or <c>/v3beta</c> on servers without the former; empty for gRPC.</summary>
    public string ApiPrefix { get; }

    public EtcdTransport Transport { get; }

    /// <summary>
    /// Connects to <paramref name="clientUrl"/> (loopback only) with room for <paramref name="maxConnections"/>
    /// concurrent HTTP/1.1 requests, and finds the gateway prefix with a probe put.
    /// </summary>
    public static async Task<EtcdLoad> ConnectAsync(
        Uri clientUrl, int maxConnections = 1024, EtcdTransport transport = EtcdTransport.JsonGateway,
        CancellationToken cancellationToken = default)
    {
        if (!clientUrl.IsLoopback)
        {
            throw new ArgumentException($"the etcd load runs on loopback only, not {clientUrl}", nameof(clientUrl));
        }

        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
        };
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            if (transport == EtcdTransport.Grpc)
            {
                var grpc = new EtcdLoad(http, new Uri(clientUrl, "/etcdserverpb.KV/Put"), "", transport);
                await grpc.PutAsync("/bench/probe", cancellationToken);
                return grpc;
            }

            foreach (var prefix in new[] { "/v3", "/v3beta" })
            {
                var load = new EtcdLoad(http, new Uri(clientUrl, prefix + "/kv/put"), prefix, transport);
                try
                {
                    await load.PutAsync("/bench/probe", cancellationToken);
                    return load;
                }
                catch (EtcdException e) when (e.Message.StartsWith("404", StringComparison.Ordinal))
                {
                    // Not served under this prefix; try the next.
                }
            }

            throw new EtcdException($"etcd at {clientUrl} serves neither /v3/kv/put nor /v3beta/kv/put");
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Puts a <see cref="ValueSize"/>-byte value under <paramref name="key"/>; throws <see cref="EtcdException"/> on an error answer.</summary>
    public Task PutAsync(string key, CancellationToken cancellationToken = default) =>
        Transport == EtcdTransport.Grpc ? PutGrpcAsync(key, cancellationToken) : PutJsonAsync(key, cancellationToken);
    private async Task PutJsonAsync(string key, CancellationToken cancellationToken)
    {
        var body = $"{{\"key\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(key))}\",\"value\":\"{ValueBase64}\"}}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(putUri, content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new EtcdException($"{(int)response.StatusCode} {response.StatusCode}: {error}");
        }

        // Drain the small header-only answer so the connection goes back to the pool.
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers doing sequential puts to distinct keys until
    /// <paramref name="totalPuts"/> have been attempted or <paramref name="maxDuration"/> has passed.
    /// Each worker first does one untimed put, which opens its connection.
    /// </summary>
    public async Task<LoadResult> RunAsync(int concurrency, int totalPuts, TimeSpan maxDuration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalPuts, 1);
        var run = Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => PutAsync($"/bench/{run}/warm/{w}", cancellationToken)));

        long attempted = -1;
        long errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();

        async Task<List<double>> Worker(int worker)
        {
            var latencies = new List<double>(totalPuts / concurrency + 1);
            for (var seq = 0; Interlocked.Increment(ref attempted) < totalPuts && clock.Elapsed < maxDuration; seq++)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await PutAsync($"/bench/{run}/{worker}/{seq}", cancellationToken);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception e) when (e is EtcdException or HttpRequestException
                    || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }

            return latencies;
        }

        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w), cancellationToken)));
        var elapsed = clock.Elapsed;
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(concurrency, all.Length, errors, elapsed, all.Length / elapsed.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.99), firstError);
    }

    private async Task PutGrpcAsync(string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, putUri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(EncodePutRequest(key)),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await http.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken); // the PutResponse; trailers follow it
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        var status = headers.TryGetValues("grpc-status", out var s) ? s.First() : null;
        if (response.StatusCode != HttpStatusCode.OK || status != "0")
        {
            var message = headers.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.First()) : "";
            throw new EtcdException($"{(int)response.StatusCode} grpc-status {status ?? "missing"}: {message}");
        }
    }

    /// <summary>A gRPC frame (no compression, big-endian length) holding PutRequest{key = 1, value = 2}.</summary>
    private static byte[] EncodePutRequest(string key)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var message = new List<byte>(5 + 6 + keyBytes.Length + Value.Length) { 0, 0, 0, 0, 0 };
        void Field(byte tag, byte[] bytes)
        {
            message.Add(tag);
            for (var n = (uint)bytes.Length; ; n >>= 7)
            {
                message.Add((byte)(n < 0x80 ? n : (n & 0x7F) | 0x80));
                if (n < 0x80)
                {
                    break;
                }
            }

            message.AddRange(bytes);
        }

        Field(0x0A, keyBytes);
        Field(0x12, Value);
        var frame = message.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), frame.Length - 5);
        return frame;
    }

    public void Dispose() => http.Dispose();

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    private static byte[] CreateValue()
    {
        var value = new byte[ValueSize];
        new Random(42).NextBytes(value);
        return value;
    }
}

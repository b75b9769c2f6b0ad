using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Node.Tests.Agent;

/// <summary>
/// A private image registry on loopback (the Docker Registry HTTP API v2, the few calls a pull makes) serving one
/// image, the local busybox saved from dockerd, behind Basic authentication. dockerd pulls from 127.0.0.1 over plain
/// HTTP (loopback registries are insecure by default).
/// </summary>
public sealed class LoopbackRegistry : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (byte[] Bytes, string MediaType)> _blobs = new(StringComparer.Ordinal);
    private readonly string _credentials;
    private byte[] _manifest = [];
    private Task _serving = Task.CompletedTask;
    private int _authorizedPulls;

    private LoopbackRegistry(int port, string username, string password)
    {
        Port = port;
        _credentials = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public string Host => "127.0.0.1:" + Port;

    /// <summary>Manifests served to a client that gave the right credentials.</summary>
    public int AuthorizedPulls => Volatile.Read(ref _authorizedPulls);

    public static async Task<LoopbackRegistry> StartAsync(string sourceImage, string username, string password)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var registry = new LoopbackRegistry(port, username, password);
        await registry.LoadAsync(sourceImage);
        registry._listener.Start();
        registry._serving = Task.Run(registry.ServeAsync);
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        _listener.Close();
    }

    /// <summary>The image as `docker save` writes it, turned into a schema 2 manifest, its config and gzipped layers.</summary>
    private async Task LoadAsync(string image)
    {
        using var save = Process.Start(new ProcessStartInfo("docker", ["save", image]) { RedirectStandardOutput = true })!;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var tar = new TarReader(save.StandardOutput.BaseStream))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy);
                    files[entry.Name] = copy.ToArray();
                }
            }
        }

        await save.WaitForExitAsync();
        var saved = JsonNode.Parse(files["manifest.json"])![0]!;
        var config = files[saved["Config"]!.GetValue<string>()];
        var layers = new JsonArray();
        foreach (var path in saved["Layers"]!.AsArray().Select(l => l!.GetValue<string>()))
        {
            using var gzipped = new MemoryStream();
            using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(files[path]);
            }

            var blob = gzipped.ToArray();
            layers.Add(new JsonObject { ["mediaType"] = "application/vnd.docker.image.rootfs.diff.tar.gzip", ["size"] = blob.Length, ["digest"] = Add(blob, "application/octet-stream") });
        }

        _manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.docker.container.image.v1+json", ["size"] = config.Length, ["digest"] = Add(config, "application/octet-stream") },
            ["layers"] = layers,
        });
    }

    private string Add(byte[] blob, string mediaType)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob));
        _blobs[digest] = (blob, mediaType);
        return digest;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var (request, response) = (context.Request, context.Response);
        var path = request.Url!.AbsolutePath;
        try
        {
            if (request.Headers["Authorization"] != _credentials)
            {
                response.StatusCode = 401;
                response.Headers["WWW-Authenticate"] = "Basic realm=\"loopback\"";
                await Write(response, "application/json", """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""u8.ToArray(), request.HttpMethod);
            }
            else if (path == "/v2/")
            {
                await Write(response, "application/json", "{}"u8.ToArray(), request.HttpMethod);
            }
            else if (path.Contains("/manifests/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _authorizedPulls);
                response.Headers["Docker-Content-Digest"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(_manifest));
                await Write(response, "application/vnd.docker.distribution.manifest.v2+json", _manifest, request.HttpMethod);
            }
            else if (path.Contains("/blobs/", StringComparison.Ordinal) && _blobs.TryGetValue(path[(path.LastIndexOf('/') + 1)..], out var blob))
            {
                await Write(response, blob.MediaType, blob.Bytes, request.HttpMethod);
            }
            else
            {
                response.StatusCode = 404;
                await Write(response, "application/json", """{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}"""u8.ToArray(), request.HttpMethod);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The puller went away.
        }
        finally
        {
            response.Close();
        }
    }

    private static async Task Write(HttpListenerResponse response, string contentType, byte[] body, string method)
    {
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        if (method != "HEAD")
        {
            await response.OutputStream.WriteAsync(body);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cluster.Bench.Api;

/// <summary>
/// A <c>Cluster.Node</c> started as a child process (the Release build copied next to this benchmark) with a
/// fresh data directory and a loopback API port, alone or as a member of a cluster. Disposing stops it and
/// deletes the directory.
/// </summary>
/// <remarks>
/// The node runs under a small shell guard that prints the node's pid (whose memory is sampled) and stops the
/// node when this process's end of the guard's stdin pipe closes, which the kernel does however this process
/// ends, so no node outlives the benchmark.
/// </remarks>
public sealed class NodeProcess : IAsyncDisposable
{
    // $1 is dotnet, the rest its arguments. EOF on fd 3 (our stdin pipe) means the benchmark is done or gone:
    // SIGTERM the node, SIGKILL it after 10 s, and remove its directory.
    private const string GuardScript =
        "exec 3<&0; \"$@\" </dev/null & n=$!; echo \"node-pid $n\"; " +
        "{ cat <&3 >/dev/null; kill $n 2>/dev/null; i=0; " +
        "while kill -0 $n 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; " +
        "kill -9 $n 2>/dev/null; rm -rf \"$NODE_BENCH_DIR\"; } & " +
        "wait $n";

    private readonly Process guard;
    private readonly Queue<string> logTail = new();
    private readonly TaskCompletionSource<int> pid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int disposed;
    private volatile bool crashed;

    private NodeProcess(Process guard, string directory, Uri baseUri)
    {
        this.guard = guard;
        DataDirectory = directory;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public string DataDirectory { get; }

    /// <summary>The node's own process id (not the guard's).</summary>
    public int Pid { get; private set; }

    /// <summary>The node's assembly, copied next to this benchmark by its project reference.</summary>
    public static string NodeAssembly => Path.Combine(AppContext.BaseDirectory, "Cluster.Node.dll");

    /// <summary>Starts a node of its own (a cluster of one) on a free port; see the overload.</summary>
    public static Task<NodeProcess> StartAsync(string parentDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken ct) =>
        StartAsync(parentDirectory, environment, FreePort(), [], ct);

    /// <summary>
    /// Starts the node serving its API on <paramref name="apiPort"/>, with further <paramref name="arguments"/>
    /// (cluster membership, journal), and returns once <c>/readyz</c> answers ok; throws with the node's last
    /// log lines otherwise.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(
        string parentDirectory, IReadOnlyDictionary<string, string> environment, int apiPort, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        if (!File.Exists(NodeAssembly))
        {
            throw new FileNotFoundException($"Cluster.Node.dll not found next to the benchmark ({NodeAssembly}); build bench/Cluster.Bench, which references src/Cluster.Node.");
        }

        // The benchmarks' clients speak plain HTTP on loopback (the development mode) unless the arguments ask for the
        // node's default security with --insecure-http=false.
        var secure = arguments.Contains("--insecure-http=false");
        var directory = Path.Combine(Path.GetFullPath(parentDirectory), $"api-bench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["NODE_BENCH_DIR"] = directory },
        };
        foreach (var argument in new[]
        {
            "-c", GuardScript, "node-guard", DotnetHost(), NodeAssembly,
            "--data-dir", directory, "--api-address", $"127.0.0.1:{apiPort}",

            // No container runtime unless a benchmark asks for one (`--runtime docker`, later, wins): with dockerd up,
            // the API benchmarks' pods would otherwise start real containers, and outlive a killed node.
            "--runtime", "none",
        }.Concat(secure ? [] : ["--insecure-http"]).Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var guard = new Process { StartInfo = info };
        var node = new NodeProcess(guard, directory, new Uri($"{(secure ? "https" : "http")}://127.0.0.1:{apiPort}"));
        guard.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        guard.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        guard.Start();
        guard.BeginOutputReadLine();
        guard.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += node.OnProcessExit;
        try
        {
            node.Pid = await node.pid.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node's last log lines, for error messages.</summary>
    public string LogTail()
    {
        lock (logTail)
        {
            return string.Join(Environment.NewLine, logTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            guard.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await guard.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            Kill();
        }

        guard.Dispose();
        for (var attempt = 0; attempt < 20 && Directory.Exists(DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(100); // the guard may still be removing it
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("node-pid ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            pid.TrySetResult(id);
            return;
        }

        lock (logTail)
        {
            logTail.Enqueue(line);
            if (logTail.Count > 30)
            {
                logTail.Dequeue();
            }
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        // An HTTPS node makes its CA as it starts: the CA it has written by the time it answers is the one to trust.
        var handler = new SocketsHttpHandler { UseProxy = false };
        var authority = Path.Combine(DataDirectory, Cluster.Api.Security.Pki.ClusterPki.DirectoryName, "ca.crt");
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => File.Exists(authority)
            && Cluster.Api.Security.Pki.CertificateTrust.ChainsTo(presented, System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(authority));
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (guard.HasExited)
            {
                throw new InvalidOperationException($"Cluster.Node exited with code {guard.ExitCode} during start-up:{Environment.NewLine}{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "/readyz"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Cluster.Node was not ready within {timeout.TotalSeconds:0} s:{Environment.NewLine}{LogTail()}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// SIGKILL to the node alone, as a crash would: no leaving, no hand-off, so the other members must notice.
    /// The guard stays until <see cref="DisposeAsync"/> and then removes the directory.
    /// </summary>
    public void Crash()
    {
        crashed = true;
        using var node = Process.GetProcessById(Pid);
        node.Kill();
        node.WaitForExit();
    }

    /// <summary>A free loopback TCP port (free when asked; nothing holds it).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (Pid > 0 && !crashed)
            {
                using var node = Process.GetProcessById(Pid);
                node.Kill();
            }

            guard.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    // Under `dotnet run` this process is the apphost, not dotnet; the shell then finds dotnet on PATH.
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}

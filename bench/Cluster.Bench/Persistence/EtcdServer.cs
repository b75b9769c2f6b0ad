using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Cluster.Bench.Persistence;

/// <summary>
/// A single-member etcd started as a child process on loopback, with free client and peer ports and its
/// data directory in a fresh directory under <c>parentDirectory</c> (by default the current directory,
/// so it sits on the same disk as a journal written there). Durability is etcd's default: every raft
/// commit is fsynced. Disposing stops etcd and deletes the directory.
/// </summary>
/// <remarks>
/// No etcd is left behind: dispose stops it, a ProcessExit hook kills it, and etcd runs under a small
/// shell guard that stops it when this process's end of the guard's stdin pipe closes, which the kernel
/// does however this process ends (even SIGKILL).
/// </remarks>
public sealed class EtcdServer : IAsyncDisposable, IDisposable
{
    public const string DefaultExecutable = "/usr/bin/etcd";

    // $1 is etcd, the rest its arguments. fd 3 keeps the guard's stdin; EOF on it means the parent has closed it
    // or is gone: then SIGTERM etcd, SIGKILL it after 5 s, and remove its directory.
    private const string GuardScript =
        "exec 3<&0; \"$@\" </dev/null & e=$!; " +
        "{ cat <&3 >/dev/null; kill $e 2>/dev/null; i=0; " +
        "while kill -0 $e 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; " +
        "kill -9 $e 2>/dev/null; rm -rf \"$ETCD_BENCH_DIR\"; } & " +
        "wait $e";

    private readonly Process process;
    private readonly LogTail log;
    private readonly string rootDirectory;
    private int disposed;

    private EtcdServer(Process process, LogTail log, string rootDirectory, Uri clientUrl)
    {
        this.process = process;
        this.log = log;
        this.rootDirectory = rootDirectory;
        ClientUrl = clientUrl;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Base URL of the client endpoint, e.g. http://127.0.0.1:40123.</summary>
    public Uri ClientUrl { get; }

    /// <summary>etcd's <c>--data-dir</c>.</summary>
    public string DataDirectory => Path.Combine(rootDirectory, "data");

    /// <summary>Server version reported by <c>/version</c>, e.g. 3.4.23.</summary>
    public string Version { get; private set; } = "unknown";

    /// <summary>
    /// True when <paramref name="executable"/> exists. If the default one is missing, tries
    /// <c>apt-get install -y etcd-server</c> (with an <c>apt-get update</c> retry) and reports to <paramref name="log"/>
    /// what it did, or why etcd is unavailable.
    /// </summary>
    public static bool TryEnsureInstalled(TextWriter log, string executable = DefaultExecutable)
    {
        if (File.Exists(executable))
        {
            return true;
        }

        if (executable != DefaultExecutable || !OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
        {
            log.WriteLine($"etcd: {executable} not found; install etcd 3.4 (Debian: apt-get install etcd-server).");
            return false;
        }

        log.WriteLine("etcd: /usr/bin/etcd not found, running apt-get install -y etcd-server ...");
        var (code, output) = RunAptGet("install -y --no-install-recommends etcd-server");
        if (code != 0)
        {
            RunAptGet("update");
            (code, output) = RunAptGet("install -y --no-install-recommends etcd-server");
        }

        if (code == 0 && File.Exists(executable))
        {
            log.WriteLine("etcd: installed etcd-server.");
            return true;
        }

        log.WriteLine($"etcd: could not install etcd-server (apt-get exit code {code}); the etcd comparison is skipped.");
        log.WriteLine("      Install it as root with: apt-get install -y etcd-server");
        log.WriteLine("      apt-get said: " + string.Join(Environment.NewLine + "      ", output.TakeLast(6)));
        return false;
    }

    /// <summary>Starts etcd and returns once <c>/health</c> answers true; throws with etcd's last log lines otherwise.</summary>
    public static async Task<EtcdServer> StartAsync(
        string? parentDirectory = null, string executable = DefaultExecutable, TimeSpan? startTimeout = null,
        CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(Path.GetFullPath(parentDirectory ?? Environment.CurrentDirectory),
            $"etcd-bench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(root);
        var (clientPort, peerPort) = FreePorts();
        var client = $"http://127.0.0.1:{clientPort}";
        var peer = $"http://127.0.0.1:{peerPort}";

        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["ETCD_BENCH_DIR"] = root },
        };
        foreach (var argument in new[]
        {
            "-c", GuardScript, "etcd-guard", executable,
            "--name", "bench", "--data-dir", Path.Combine(root, "data"),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"bench={peer}", "--initial-cluster-state", "new",
            "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var log = new LogTail();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new EtcdServer(process, log, root, new Uri(client));
        try
        {
            await server.WaitUntilHealthyAsync(startTimeout ?? TimeSpan.FromSeconds(30), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops etcd (SIGTERM through the guard, SIGKILL after 10 s) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            Kill();
        }

        process.Dispose();
        await DeleteDirectoryAsync(rootDirectory);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"etcd exited with code {process.ExitCode} during start-up:{Environment.NewLine}{log}");
            }

            try
            {
                var health = await http.GetStringAsync(new Uri(ClientUrl, "/health"), cancellationToken);
                if (health.Contains("\"true\"", StringComparison.Ordinal))
                {
                    var version = await http.GetStringAsync(new Uri(ClientUrl, "/version"), cancellationToken);
                    using var json = JsonDocument.Parse(version);
                    Version = json.RootElement.GetProperty("etcdserver").GetString() ?? "unknown";
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"etcd did not become healthy within {timeout.TotalSeconds:0} s:{Environment.NewLine}{log}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        Kill();
        try
        {
            Directory.Delete(rootDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(100); // etcd's guard may still be closing files
            }
        }
    }

    private static (int Client, int Peer) FreePorts()
    {
        var a = new TcpListener(IPAddress.Loopback, 0);
        var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        var ports = (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
        a.Stop();
        b.Stop();
        return ports;
    }

    private static (int ExitCode, List<string> Output) RunAptGet(string arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/apt-get", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        var output = new List<string>();
        try
        {
            using var apt = Process.Start(info)!;
            apt.OutputDataReceived += (_, e) => { lock (output) { if (e.Data is not null) { output.Add(e.Data); } } };
            apt.ErrorDataReceived += (_, e) => { lock (output) { if (e.Data is not null) { output.Add(e.Data); } } };
            apt.BeginOutputReadLine();
            apt.BeginErrorReadLine();
            if (!apt.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                apt.Kill(entireProcessTree: true);
                output.Add("timed out after 5 minutes");
                return (-1, output);
            }

            apt.WaitForExit();
            return (apt.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output.Add(e.Message);
            return (-1, output);
        }
    }

    /// <summary>The last lines etcd wrote, for start-up error messages.</summary>
    private sealed class LogTail
    {
        private readonly Queue<string> lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > 30)
                {
                    lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (lines)
            {
                return string.Join(Environment.NewLine, lines);
            }
        }
    }
}

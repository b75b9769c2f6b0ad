using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Cluster.Bench.Proxy;

/// <summary>
/// A <see cref="Sink"/> inside a pod's network namespace: a Docker container of the node's infra image holds the
/// namespace (as a pod's infra container does), and this benchmark runs again in it through <c>nsenter</c> as
/// <c>proxy-sink</c>. Traffic to it crosses the docker0 bridge and a veth pair, the path a ClusterIP's traffic takes to
/// a real pod, so direct and ClusterIP connections differ only by the proxy's rules.
/// </summary>
internal sealed class PodSink : IAsyncDisposable
{
    public const string Image = "local/pause:1";
    public const int SinkPort = 8080;

    private readonly string _container;
    private readonly Process _sink;

    private PodSink(string container, Process sink, IPAddress address)
    {
        _container = container;
        _sink = sink;
        Address = address;
    }

    /// <summary>The pod's IP on the Docker bridge.</summary>
    public IPAddress Address { get; }

    public static int Port => SinkPort;

    /// <summary>Null (with the reason in <paramref name="log"/>) when Docker or the infra image is not there.</summary>
    public static async Task<PodSink?> TryStartAsync(TextWriter log, CancellationToken ct)
    {
        var name = "bench-proxy-sink-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var (code, id) = await RunAsync("docker", ["run", "-d", "--rm", "--name", name, Image], ct);
        if (code != 0)
        {
            log.WriteLine("  (no pod sink: `docker run " + Image + "` failed: " + id + "; run scripts/docker-setup.sh)");
            return null;
        }

        var (_, facts) = await RunAsync("docker", ["inspect", "-f", "{{.State.Pid}} {{.NetworkSettings.IPAddress}}", name], ct);
        var parts = facts.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var info = new ProcessStartInfo("nsenter") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-t", parts[0], "-n", Environment.ProcessPath!, typeof(PodSink).Assembly.Location, "proxy-sink" })
        {
            info.ArgumentList.Add(argument);
        }

        var sink = Process.Start(info)!;
        var ready = await sink.StandardOutput.ReadLineAsync(ct);
        var pod = new PodSink(name, sink, IPAddress.Parse(parts[1]));
        if (ready != "ready")
        {
            await pod.DisposeAsync();
            log.WriteLine("  (no pod sink: the sink in the container's namespace did not start)");
            return null;
        }

        return pod;
    }

    /// <summary>The <c>proxy-sink</c> command: serves on <see cref="SinkPort"/> until its standard input closes.</summary>
    public static int Serve()
    {
        using var sink = new Sink(IPAddress.Any, SinkPort);
        Console.WriteLine("ready");
        Console.Out.Flush();
        Console.In.ReadToEnd();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _sink.StandardInput.Close();
        if (!_sink.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _sink.Kill();
        }

        _sink.Dispose();
        await RunAsync("docker", ["rm", "-f", _container], CancellationToken.None);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, process.ExitCode == 0 ? (await output).Trim() : (await error).Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

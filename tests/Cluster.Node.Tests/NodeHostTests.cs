using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Cluster.Node.Agent;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Node.Tests;

public sealed class NodeHostTests
{
    [Fact]
    public async Task NodeHost_Started_NodeAgentAnswersStatus()
    {
        var data = Path.Combine(Path.GetTempPath(), "node-host-" + Guid.NewGuid().ToString("N"));
        await using var host = NodeHost.Build(["--node:name=test-node", "--api-address=127.0.0.1:0", "--data-dir=" + data, "--proxy:mode=none", "--dns:enabled=false"]);
        await host.StartAsync();
        var agent = host.Services.GetRequiredService<IRequiredActor<NodeAgentActor>>().ActorRef;
        var status = await agent.Ask<NodeAgentActor.NodeStatus>(NodeAgentActor.GetStatus.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal("test-node", status.NodeName);
        Assert.EndsWith("/user/node-agent", status.AgentPath, StringComparison.Ordinal);
        await host.StopAsync();
        Assert.True(host.Services.GetRequiredService<ActorSystem>().WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task NodeProcess_Interrupted_ShutsDownCleanlyWithExitCodeZero()
    {
        using var node = NodeProcess.Start("--node:name=proc-node");

        // Started (the API serves): an interrupt half way through the start is another path, and an early one raced here.
        await node.WaitForOutputAsync("Kubernetes API serving at", TimeSpan.FromSeconds(30));
        node.Interrupt();
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exitCode);
        Assert.Contains("Actor system [cluster] terminated", node.Output, StringComparison.Ordinal);
        Assert.Contains("Node proc-node agent stopped", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeProcess_InvalidSetting_ExitsWithMessageNamingKey()
    {
        using var node = NodeProcess.Start("--registry:number-of-shards=zero");
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(78, exitCode);
        Assert.Contains("registry.number-of-shards", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeProcess_ApiAddressInUse_ExitsWithMessageNotACrash()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        using var node = NodeProcess.Start($"--api-address=127.0.0.1:{port}");
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(78, exitCode);
        Assert.Contains($"error: Failed to bind to address https://127.0.0.1:{port}: address already in use.", node.Output, StringComparison.Ordinal);
        Assert.Contains("--api-address", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeProcess_SampleWorkload_LogsItsResult()
    {
        using var node = NodeProcess.Start("--node:sample-workload=on");
        await node.WaitForOutputAsync("Sample workload: a token went 1000000 hops", TimeSpan.FromSeconds(60));
        node.Interrupt();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}

/// <summary>The real node executable, run as a child process with its output captured.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly Lock _lock = new();

    private NodeProcess(Process process)
    {
        _process = process;
    }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the node; unless the arguments say otherwise it gets a fresh data directory and a free API port.</summary>
    public static NodeProcess Start(params string[] args) => Start(args, new Dictionary<string, string>());

    /// <summary>Starts the node with extra environment variables.</summary>
    public static NodeProcess Start(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var isCommand = args is ["cluster", ..] or ["config", ..] or ["kubeconfig", ..];
        if (!isCommand && !args.Any(a => a.StartsWith("--data-dir", StringComparison.Ordinal)))
        {
            args = [.. args, "--data-dir=" + Path.Combine(Path.GetTempPath(), "node-proc-" + Guid.NewGuid().ToString("N"))];
        }

        if (!isCommand && !args.Any(a => a.StartsWith("--api-address", StringComparison.Ordinal)))
        {
            args = [.. args, "--api-address=127.0.0.1:0"];
        }

        // One service proxy per host, as kube-proxy: test nodes running side by side would rewrite each other's rules.
        // The proxy's own tests ask for it.
        if (!isCommand && !args.Any(a => a.StartsWith("--proxy:mode", StringComparison.Ordinal)))
        {
            args = [.. args, "--proxy:mode=none"];
        }

        // Likewise one DNS server per host on port 53 (and a kube-dns Service in every test's cluster otherwise).
        if (!isCommand && !args.Any(a => a.StartsWith("--dns:enabled", StringComparison.Ordinal)))
        {
            args = [.. args, "--dns:enabled=false"];
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "Cluster.Node.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"The node did not print \"{text}\". Output so far:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt() => Signal("-INT");

    /// <summary>Sends SIGTERM, as a service manager does on stop.</summary>
    public void Terminate() => Signal("-TERM");

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(10_000);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }
    }
}

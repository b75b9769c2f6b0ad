using System.Diagnostics;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>
/// A node whose agent runs pods on this machine's real dockerd (scripts/docker-setup.sh starts it and builds the local
/// images), with a short crash-loop back-off so restarts can be watched in seconds.
/// </summary>
public class DockerCluster : KubectlCluster
{
    public const string Image = "local/busybox:1";

    protected override string[] NodeArguments => ["--agent:runtime=docker", "--agent:backoff-initial=1s", "--agent:backoff-max=4s", "--agent:metrics-interval=1s"];

    /// <summary>The whole control plane: workloads' pods are scheduled onto this node and run in Docker.</summary>
    protected override bool Schedules => true;

    protected override string Controllers => "*";

    /// <summary>The name the node registered under (the machine's host name).</summary>
    public string NodeName { get; private set; } = "";

    /// <summary>The uid of the Node object: every container its agent makes carries it as a label.</summary>
    public string NodeUid { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        for (var i = 0; i < 100 && NodeName.Length == 0; i++)
        {
            NodeName = (await RunAsync("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}")).StdOut.Trim();
            if (NodeName.Length == 0)
            {
                await Task.Delay(100);
            }
        }

        Assert.False(NodeName.Length == 0, "the node did not register");
        NodeUid = (await RunAsync("get", "node", NodeName, "-o", "jsonpath={.metadata.uid}")).StdOut.Trim();
    }

    /// <summary>
    /// Stops the node, then removes every container its agent made: pods outlive their agent (as with the kubelet),
    /// and a test must not leave them running on the machine.
    /// </summary>
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (NodeUid.Length == 0)
        {
            return;
        }

        var ids = (await RunDockerAsync(["ps", "-aq", "--filter", "label=io.cluster.node.uid=" + NodeUid])).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > 0)
        {
            await RunDockerAsync(["rm", "-f", .. ids]);
        }
    }

    /// <summary>Polls a jsonpath of a pod until it satisfies <paramref name="done"/> (30 s at most); answers the last value.</summary>
    public async Task<string> UntilAsync(string pod, string ns, string path, Func<string, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var value = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = await RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath=" + path);
            value = result.StdOut.Trim();
            if (result.ExitCode == 0 && done(value))
            {
                return value;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"pod {ns}/{pod}: {path} never satisfied the condition; last value: {value}");
        return value;
    }

    /// <summary>Runs the docker CLI and answers its output; throws when it fails.</summary>
    public static string Docker(params string[] args)
    {
        var (code, output, error) = RunDockerAsync(args).GetAwaiter().GetResult();
        return code == 0 ? output : throw new InvalidOperationException($"docker {string.Join(' ', args)}: {error}");
    }

    /// <summary>
    /// The docker CLI with a time limit: a wedged dockerd must fail the test that met it, not hold the whole run
    /// until CI's own limit.
    /// </summary>
    public static async Task<(int Code, string Output, string Error)> RunDockerAsync(IReadOnlyList<string> args, int seconds = 120)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var output = docker.StandardOutput.ReadToEndAsync(limit.Token);
        var error = docker.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await docker.WaitForExitAsync(limit.Token);
            return (docker.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            docker.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', args)} did not finish in {seconds} s");
        }
    }

    /// <summary>The ids of the Docker containers (running or not) of a pod, found by the labels the agent gives them.</summary>
    public static async Task<string[]> ContainersOfAsync(string podUid, bool all = true)
    {
        var args = new List<string> { "ps", "-q", "--no-trunc", "--filter", "label=io.kubernetes.pod.uid=" + podUid };
        if (all)
        {
            args.Insert(1, "-a");
        }

        var (_, output, _) = await RunDockerAsync(args);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];
    }
}

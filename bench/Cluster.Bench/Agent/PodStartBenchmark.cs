using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Bench.Api;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Cluster.Bench.Agent;

/// <summary>
/// Pod start latency on one real-Docker node: N pods created one after another, each timed from just before its
/// create to the moment a watch shows it Running, beside the same containers made with Docker.DotNet directly in the
/// same run (an infra container, then an app container joined to its network: create plus start of both, the bare
/// work a pod needs). Needs dockerd and the images of scripts/docker-setup.sh.
/// </summary>
public static class PodStartBenchmark
{
    public const string Usage = "podstart [--pods N] [--dir PATH]";

    private const string Image = "local/busybox:1";
    private const string Infra = "local/pause:1";

    public static async Task<int> Run(string[] args)
    {
        var pods = CommandLine.Int(args, "--pods") ?? 50;
        var dir = CommandLine.Option(args, "--dir") ?? Path.GetTempPath();
        using var cancel = CommandLine.CancelOnCtrlC();
        var ct = cancel.Token;
        Console.WriteLine($"# pod start latency: {pods} pods one after another on a real-Docker node; {Environment.ProcessorCount} cores");

        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var (single, pair) = await BareDockerAsync(docker, pods, ct);
        Print("bare docker: one container create+start", single);
        var bare = Print("bare docker: infra + app container (a pod's work)", pair);

        await using var node = await NodeProcess.StartAsync(dir, new Dictionary<string, string>(), NodeProcess.FreePort(), ["--node:name=podstart", "--runtime", "docker"], ct);
        using var client = new ApiClient(node.BaseUri, 4);
        var running = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<long>>();
        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = WatchRunningAsync(client, running, stopWatch.Token);
        var latencies = new List<double>();
        try
        {
            for (var i = 0; i < pods; i++)
            {
                var name = "start-" + i.ToString(CultureInfo.InvariantCulture);
                var seen = running.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
                var body = Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"nodeName":"podstart","terminationGracePeriodSeconds":0,"containers":[{"name":"app","image":"{{{Image}}}","command":["sleep","3600"]}]}}""");
                var before = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = ApiClient.Json;
                using var response = await client.Http.PostAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative), content, ct);
                response.EnsureSuccessStatusCode();
                var at = await seen.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
                latencies.Add(Stopwatch.GetElapsedTime(before, at).TotalMilliseconds);
            }
        }
        finally
        {
            await stopWatch.CancelAsync();
            await watching.ContinueWith(_ => { }, TaskScheduler.Default);
            using var delete = await client.Http.DeleteAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative), CancellationToken.None);
            await UntilNoContainersAsync(docker, CancellationToken.None);
        }

        var podFigures = Print("pods: created to Running (watch)", latencies);
        Console.WriteLine($" ratio to the bare infra + app containers: p50 {podFigures.P50 / bare.P50:0.00}x, p99 {podFigures.P99 / bare.P99:0.00}x (targets: p99 at most 2,000 ms and at most 1.5x bare Docker)");
        return 0;
    }

    private static (double P50, double P99) Print(string what, IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        var (p50, p99) = (Percentiles.Of(sorted, 0.5), Percentiles.Of(sorted, 0.99));
        Console.WriteLine($" {what}: p50 {p50:N0} ms, p99 {p99:N0} ms, max {sorted[^1]:N0} ms ({sorted.Length} samples)");
        return (p50, p99);
    }

    private static async Task<(double[] Single, double[] Pair)> BareDockerAsync(DockerClient docker, int count, CancellationToken ct)
    {
        var single = new List<double>();
        var pair = new List<double>();
        var made = new List<string>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var infra = await CreateStartAsync(docker, new CreateContainerParameters { Image = Infra, Labels = Bench(), HostConfig = new HostConfig { IpcMode = "shareable" } }, ct);
                single.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                made.Add(infra);
                await docker.Containers.InspectContainerAsync(infra, ct);
                var app = await CreateStartAsync(docker, new CreateContainerParameters
                {
                    Image = Image,
                    Cmd = ["sleep", "3600"],
                    Labels = Bench(),
                    HostConfig = new HostConfig { NetworkMode = "container:" + infra, IpcMode = "container:" + infra },
                }, ct);
                made.Add(app);
                pair.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        finally
        {
            foreach (var id in made)
            {
                await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
            }
        }

        return ([.. single], [.. pair]);
    }

    private static Dictionary<string, string> Bench() => new() { ["io.cluster.bench"] = "podstart" };

    private static async Task<string> CreateStartAsync(DockerClient docker, CreateContainerParameters parameters, CancellationToken ct)
    {
        var created = await docker.Containers.CreateContainerAsync(parameters, ct);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        return created.ID;
    }

    /// <summary>Follows the pods' watch and completes each pod's entry the first time it is seen Running.</summary>
    private static async Task WatchRunningAsync(ApiClient client, System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<long>> running, CancellationToken ct)
    {
        using var response = await client.Http.GetAsync(new Uri("/api/v1/namespaces/default/pods?watch=1", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var now = Stopwatch.GetTimestamp();
            var pod = JsonNode.Parse(line)?["object"];
            if ((string?)pod?["status"]?["phase"] == "Running" && (string?)pod["metadata"]?["name"] is { } name)
            {
                running.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(now);
            }
        }
    }

    private static async Task UntilNoContainersAsync(DockerClient docker, CancellationToken ct)
    {
        for (var i = 0; i < 120; i++)
        {
            var left = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct);
            if (left.Count == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}

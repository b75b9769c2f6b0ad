using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Bench.Agent;
using Cluster.Bench.Api;

namespace Cluster.Bench.Scheduling;

/// <summary>
/// The whole control plane at once, in the kwok benchmark's shape: one node process hosting N simulated node agents,
/// the controller manager and the scheduler; one Deployment of R replicas is applied and its status is read every
/// 100 ms. Prints when all R pods exist (deployment and replicaset controllers), when all are Ready (scheduler,
/// bindings persisted, agents running them and reporting status), and the scheduler's own figures.
/// </summary>
public static class DeploymentBenchmark
{
    public const string Usage = "deployment [--nodes N] [--replicas R] [--dir PATH]";

    public static async Task<int> Run(string[] args)
    {
        var nodes = CommandLine.Int(args, "--nodes") ?? 1000;
        var replicas = CommandLine.Int(args, "--replicas") ?? 10_000;
        var dir = CommandLine.Option(args, "--dir") ?? Path.GetTempPath();
        using var cancel = CommandLine.CancelOnCtrlC();
        var ct = cancel.Token;
        Console.WriteLine($"# deployment: {replicas:N0} replicas on {nodes:N0} simulated nodes, controllers and scheduler in the same process; {Environment.ProcessorCount} cores");
        string[] arguments = ["--node:name=bench", "--runtime", "simulated", "--simulated-nodes", nodes.ToString(CultureInfo.InvariantCulture), "--agent:simulated-start-delay=0ms"];
        await using var node = await NodeProcess.StartAsync(dir, new Dictionary<string, string>(), NodeProcess.FreePort(), arguments, ct);
        using var client = new ApiClient(node.BaseUri, 4);
        await SimulatedNodesBenchmark.UntilAsync(() => SimulatedNodesBenchmark.CountAsync(client, "/api/v1/nodes", SimulatedNodesBenchmark.IsReadyNode, ct), nodes, TimeSpan.FromMinutes(5), ct);
        // Let the start-up settle (node registrations, first Lease renewals) so it does not count against the rollout.
        await Task.Delay(TimeSpan.FromSeconds(10), ct);

        var body = Encoding.UTF8.GetBytes(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":" +
            replicas.ToString(CultureInfo.InvariantCulture) + ",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}}," +
            "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"simulated\",\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}}}");
        var applied = Stopwatch.StartNew();
        using (var content = new ByteArrayContent(body))
        {
            content.Headers.ContentType = ApiClient.Json;
            using var response = await client.Http.PostAsync(new Uri("/apis/apps/v1/namespaces/default/deployments", UriKind.Relative), content, ct);
            response.EnsureSuccessStatusCode();
        }

        TimeSpan? allCreated = null;
        var last = "";
        while (applied.Elapsed < TimeSpan.FromMinutes(10))
        {
            var status = JsonNode.Parse(await client.Http.GetStringAsync(new Uri("/apis/apps/v1/namespaces/default/deployments/web", UriKind.Relative), ct))?["status"];
            var created = (int?)status?["replicas"] ?? 0;
            var ready = (int?)status?["readyReplicas"] ?? 0;
            last = $"{created:N0} created, {ready:N0} ready";
            if (allCreated is null && created >= replicas)
            {
                allCreated = applied.Elapsed;
            }

            if (ready >= replicas)
            {
                break;
            }

            await Task.Delay(100, ct);
        }

        var allReady = applied.Elapsed;
        Console.WriteLine($" {replicas:N0} replicas: all created {allCreated?.TotalSeconds ?? double.NaN:0.0} s after the apply, all Ready {allReady.TotalSeconds:0.0} s after it " +
            $"({replicas / allReady.TotalSeconds:N0} pods/s end to end; target: all Running within 20 s); last status: {last}");
        var scheduler = await client.Http.GetStringAsync(new Uri("/cluster/scheduler", UriKind.Relative), ct);
        Console.WriteLine("   scheduler: " + scheduler);
        var controllers = JsonNode.Parse(await client.Http.GetStringAsync(new Uri("/cluster/controllers", UriKind.Relative), ct))?["controllers"]?.AsArray() ?? [];
        foreach (var controller in controllers.Where(c => (long?)c?["reconciles"] > 0))
        {
            Console.WriteLine($"   {controller!["name"]}: {controller["reconciles"]} reconciles, mean {controller["meanLatencyMs"]} ms, max {controller["maxLatencyMs"]} ms");
        }

        return 0;
    }
}

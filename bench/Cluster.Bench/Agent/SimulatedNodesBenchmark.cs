using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Bench.Api;

namespace Cluster.Bench.Agent;

/// <summary>
/// The simulated runtime at scale: one Cluster.Node process hosting N simulated node agents. Prints the time from the
/// process start until all N nodes are Ready, the time from the first of M pods bound directly (spec.nodeName, round
/// robin) until all are Running, and the node's memory per simulated node (resident memory with N nodes less with
/// one, over N - 1).
/// </summary>
public static class SimulatedNodesBenchmark
{
    public const string Usage = "nodes [--nodes N] [--pods M] [--dir PATH] [--postgres CONNECTION]";

    public static async Task<int> Run(string[] args)
    {
        var nodes = CommandLine.Int(args, "--nodes") ?? 5000;
        var pods = CommandLine.Int(args, "--pods") ?? 10_000;
        var dir = CommandLine.Option(args, "--dir") ?? Path.GetTempPath();
        using var cancel = CommandLine.CancelOnCtrlC();
        var ct = cancel.Token;
        Console.WriteLine($"# simulated nodes: {nodes:N0} nodes in one process, then {pods:N0} pods bound to them; {Environment.ProcessorCount} cores");

        var baseline = await MemoryWithAsync(1, dir, ct);
        var started = Stopwatch.StartNew();
        await using var node = await NodeProcess.StartAsync(dir, new Dictionary<string, string>(), NodeProcess.FreePort(), Arguments(nodes), ct);
        using var client = new ApiClient(node.BaseUri, 64);
        var ready = await UntilAsync(() => CountAsync(client, "/api/v1/nodes", IsReadyNode, ct), nodes, TimeSpan.FromMinutes(5), ct);
        var readyAfter = started.Elapsed;
        Console.WriteLine($" nodes Ready: {ready:N0} of {nodes:N0} after {readyAfter.TotalSeconds:0.0} s from the process start (target: 5,000 within 15 s)");

        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var (rss, _) = ProcStats.Memory(node.Pid);
        var perNode = nodes > 1 ? (rss - baseline) / (nodes - 1) : 0;
        Console.WriteLine($" memory: {rss / 1048576.0:N0} MiB resident with {nodes:N0} nodes, {baseline / 1048576.0:N0} MiB with one: {perNode / 1024.0:N1} KB per simulated node (target: at most 50 KB)");

        // Steady state: the Leases' watch history holds its fresh window (75 s) of renewals, idle Node actors have passivated.
        await Task.Delay(TimeSpan.FromSeconds(90), ct);
        var (steady, _) = ProcStats.Memory(node.Pid);
        Console.WriteLine($" memory 90 s later: {steady / 1048576.0:N0} MiB resident: {(nodes > 1 ? (steady - baseline) / (nodes - 1) : 0) / 1024.0:N1} KB per simulated node");

        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, pods), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            var body = Encoding.UTF8.GetBytes(
                $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p{{{i}}}","namespace":"default"},"spec":{"nodeName":"bench-sim-{{{(i % nodes) + 1}}}","containers":[{"name":"app","image":"simulated"}]}}""");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = ApiClient.Json;
            using var response = await client.Http.PostAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative), content, token);
            response.EnsureSuccessStatusCode();
        });
        var createdAfter = created.Elapsed;
        var running = await UntilAsync(() => CountAsync(client, "/api/v1/pods?fieldSelector=status.phase%3DRunning", _ => true, ct), pods, TimeSpan.FromMinutes(10), ct);
        Console.WriteLine($" pods Running: {running:N0} of {pods:N0} after {created.Elapsed.TotalSeconds:0.0} s from the first create (creates took {createdAfter.TotalSeconds:0.0} s; target: 10,000 within 20 s)");
        await node.DisposeAsync();

        await SimulatedAgentsApart.RunAsync(nodes, dir, CommandLine.Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES"), ct);
        return 0;
    }

    private static string[] Arguments(int nodes) =>
        ["--node:name=bench", "--runtime", "simulated", "--simulated-nodes", nodes.ToString(CultureInfo.InvariantCulture), "--agent:simulated-start-delay=0ms"];

    /// <summary>The resident memory of a node hosting <paramref name="nodes"/> simulated nodes, once they are Ready and it settled.</summary>
    private static async Task<long> MemoryWithAsync(int nodes, string dir, CancellationToken ct)
    {
        await using var node = await NodeProcess.StartAsync(dir, new Dictionary<string, string>(), NodeProcess.FreePort(), Arguments(nodes), ct);
        using var client = new ApiClient(node.BaseUri, 4);
        await UntilAsync(() => CountAsync(client, "/api/v1/nodes", IsReadyNode, ct), nodes, TimeSpan.FromMinutes(1), ct);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        return ProcStats.Memory(node.Pid).Rss;
    }

    internal static bool IsReadyNode(JsonNode item) =>
        item["status"]?["conditions"] is JsonArray conditions && conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");

    internal static async Task<int> CountAsync(ApiClient client, string path, Func<JsonNode, bool> counts, CancellationToken ct)
    {
        var list = JsonNode.Parse(await client.Http.GetStringAsync(new Uri(path, UriKind.Relative), ct))!;
        return list["items"]!.AsArray().Count(i => i is not null && counts(i));
    }

    internal static async Task<int> UntilAsync(Func<Task<int>> count, int target, TimeSpan limit, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var seen = 0;
        while (deadline.Elapsed < limit && (seen = await count()) < target)
        {
            await Task.Delay(100, ct);
        }

        return seen;
    }
}

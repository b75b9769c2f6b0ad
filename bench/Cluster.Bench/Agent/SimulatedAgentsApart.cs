using System.Globalization;
using Cluster.Bench.Api;
using Cluster.Bench.Persistence;

namespace Cluster.Bench.Agent;

/// <summary>
/// Agent memory as kwok measures it: the simulated nodes in a worker-only member of their own, joined to a
/// control-plane-only member that holds the objects (both on one PostgreSQL journal), so the worker's resident memory
/// is the agents' (with its copy of the watch cache), not the control plane's. Per node: (worker with N - worker with
/// one) over N - 1.
/// </summary>
internal static class SimulatedAgentsApart
{
    public static async Task RunAsync(int nodes, string dir, string? postgres, CancellationToken ct)
    {
        using var server = PostgresForBenchmark.Start(postgres, Console.Out, NodeProcess.FreePort());
        if (server?.ConnectionString is not { } connection)
        {
            Console.WriteLine(" agents apart from the control plane: skipped (no PostgreSQL: give --postgres CONNECTION or install PostgreSQL 15)");
            return;
        }

        // As built (Server GC), then as the README starts a worker-only member (workstation GC: DOTNET_gcServer=0).
        foreach (var (gc, environment) in new (string, Dictionary<string, string>)[] { ("Server GC", []), ("workstation GC", new() { ["DOTNET_gcServer"] = "0" }) })
        {
            var one = await WorkerMemoryAsync(1, connection, dir, environment, ct);
            var many = await WorkerMemoryAsync(nodes, connection, dir, environment, ct);
            double PerNode(long with, long without) => (with - without) / (double)Math.Max(1, nodes - 1) / 1024.0;
            Console.WriteLine($" agents apart from the control plane (worker-only member, {gc}): {many.Ready / 1048576.0:N0} MiB resident with {nodes:N0} nodes, {one.Ready / 1048576.0:N0} MiB with one: {PerNode(many.Ready, one.Ready):N1} KB per simulated node (target: at most 50 KB); 90 s later (the Leases' watch history full): {PerNode(many.Steady, one.Steady):N1} KB");
        }
    }

    /// <summary>The worker's resident memory 5 s after all its nodes are Ready (the same moment the single-process figure is taken), and 90 s after that.</summary>
    private static async Task<(long Ready, long Steady)> WorkerMemoryAsync(int nodes, string connection, string dir, IReadOnlyDictionary<string, string> workerEnvironment, CancellationToken ct)
    {
        var schema = new PostgresBenchSchema(connection, "agents_" + Guid.NewGuid().ToString("N")[..8]);
        await schema.CreateAsync();
        try
        {
            var (cpPort, workerPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
            var environment = new Dictionary<string, string> { ["CLUSTER_AKKA__PERSISTENCE__JOURNAL__CLUSTER_SQL__CONNECTION_STRING"] = connection };
            string[] Member(string name, string roles, int port) =>
            [
                "--node:name=" + name, "--roles=" + roles, $"--cluster-address=127.0.0.1:{port}", $"--join=127.0.0.1:{cpPort}",
                "--journal=postgres", "--akka:persistence:journal:cluster-sql:schema=" + schema.Schema,
            ];
            await using var controlPlane = await NodeProcess.StartAsync(dir, environment, NodeProcess.FreePort(), Member("cp", "control-plane", cpPort), ct);
            await using var worker = await NodeProcess.StartAsync(
                dir, new Dictionary<string, string>(environment.Concat(workerEnvironment)), NodeProcess.FreePort(),
                [.. Member("bench", "worker", workerPort), "--runtime", "simulated", "--simulated-nodes", nodes.ToString(CultureInfo.InvariantCulture), "--agent:simulated-start-delay=0ms"],
                ct);
            using var client = new ApiClient(controlPlane.BaseUri, 4);
            await SimulatedNodesBenchmark.UntilAsync(() => SimulatedNodesBenchmark.CountAsync(client, "/api/v1/nodes", n => SimulatedNodesBenchmark.IsReadyNode(n) && ((string?)n["metadata"]?["name"])?.StartsWith("bench-sim-", StringComparison.Ordinal) == true, ct), nodes, TimeSpan.FromMinutes(5), ct);
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var ready = ProcStats.Memory(worker.Pid).Rss;
            await Task.Delay(TimeSpan.FromSeconds(90), ct);
            return (ready, ProcStats.Memory(worker.Pid).Rss);
        }
        finally
        {
            await schema.DropAsync();
        }
    }
}

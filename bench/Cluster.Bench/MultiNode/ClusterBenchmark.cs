using Cluster.Bench.Api;
using Cluster.Bench.Persistence;
using static Cluster.Bench.Api.Report;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// Several Cluster.Node processes as one Akka cluster over one PostgreSQL journal, driven over their Kubernetes
/// APIs: the CPU all members spend per write with one member and with three, fail-over time after a SIGKILL, and
/// the latency of a watch event on another member than the write's. Prints the figures and a capacity model.
/// </summary>
public static class ClusterBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var options = ClusterBenchOptions.Parse(args);
        var output = Console.Out;
        using var cancel = CommandLine.CancelOnCtrlC(); // so the members are stopped and their schema dropped

        PrintParameters(output, options);
        using var postgres = PostgresForBenchmark.Start(options.Postgres, output, NodeProcess.FreePort());
        if (postgres?.ConnectionString is not { } connection)
        {
            Console.Error.WriteLine("error: no PostgreSQL (give --postgres CONNECTION, or install PostgreSQL 15 for scripts/postgres.sh)");
            return 1;
        }

        var results = new ClusterResults();
        var ok = true;
        if (options.Phases.Contains("cpu"))
        {
            ok &= await OnClusterAsync(1, connection, options, output, async cluster =>
            {
                output.WriteLine(F($"== CPU cost: {options.WriteRate:N0} writes/s for {options.CpuDuration.TotalSeconds:0} s, one member =="));
                results.One = await CpuCostPhase.RunAsync(cluster, options, output, cancel.Token);
            }, cancel.Token);
        }

        if (options.Phases.Overlaps(["cpu", "watch", "failover"]))
        {
            ok &= await OnClusterAsync(3, connection, options, output, async cluster =>
            {
                if (options.Phases.Contains("cpu"))
                {
                    output.WriteLine(F($"== CPU cost: the same load, requests round-robin over three members =="));
                    results.Three = await CpuCostPhase.RunAsync(cluster, options, output, cancel.Token);
                    CpuCostPhase.Print(output, new[] { results.One, results.Three }.OfType<CpuCost>().ToArray());
                }

                if (options.Phases.Contains("watch"))
                {
                    output.WriteLine("== cross-node watch: streams on node-2, writes through node-1 ==");
                    results.Watch = await CrossNodeWatchPhase.RunAsync(cluster, options, output, cancel.Token);
                    CrossNodeWatchPhase.Print(output, results.Watch);
                }

                // Last: it kills a member.
                if (options.Phases.Contains("failover"))
                {
                    output.WriteLine("== fail-over: SIGKILL node-3 under steady writes (default failure detector and split brain resolver) ==");
                    results.Failover = await FailoverPhase.RunAsync(cluster, options, output, cancel.Token);
                }
            }, cancel.Token);
        }

        output.WriteLine();
        ClusterSummary.Print(output, results);
        output.WriteLine();
        CapacityModel.Print(output, results.One, results.Three, results.Watch, options.WriteRate);
        return ok ? 0 : 1;
    }

    /// <summary>Starts a cluster of <paramref name="size"/> in a fresh schema, runs the phases on it, and stops it; false when a phase failed.</summary>
    private static async Task<bool> OnClusterAsync(
        int size, string connection, ClusterBenchOptions options, TextWriter output, Func<BenchCluster, Task> phases, CancellationToken ct)
    {
        output.WriteLine();
        BenchCluster? cluster = null;
        try
        {
            cluster = await BenchCluster.StartAsync(size, connection, options.DataParent, ct);
            output.WriteLine(F($"cluster of {size} in schema {cluster.Schema}: ") + string.Join(", ", cluster.Members.Select(m => F($"{m.Name} pid {m.Node.Pid} {m.Node.BaseUri}"))));
            await phases(cluster);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (cluster is not null)
            {
                Console.Error.WriteLine($"members' log tails:{Environment.NewLine}{cluster.LogTails()}");
            }

            return false;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    private static void PrintParameters(TextWriter output, ClusterBenchOptions o)
    {
        output.WriteLine($"Cluster.Bench cluster{(o.Quick ? " --quick" : "")}; {MachineLoad.Describe()}");
        output.WriteLine("  every member is a Cluster.Node process on this machine, journal on one PostgreSQL, API over HTTP/1.1 on loopback;");
        output.WriteLine(F($"  CPU: {o.CpuObjects} ConfigMaps, {o.WriteRate:N0} merge-PATCH/s open loop for {o.CpuDuration.TotalSeconds:0} s after a warm-up of at least {o.CpuWarmUp.TotalSeconds:0} s, on until the JIT is quiet, CPU from /proc/PID/stat of every member;"));
        output.WriteLine(F($"  watch: {o.Watchers} (+{o.ExtraWatchers}) streams on node-2, {o.WatchWrites:N0} writes at {o.WatchRate:0}/s through node-1 over {o.WatchObjects} ConfigMaps;"));
        output.WriteLine(F($"  fail-over: {o.FailoverObjects} ConfigMaps written through node-1, client timeout {o.ClientTimeout.TotalSeconds:0.#} s, limit {o.FailoverLimit.TotalSeconds:0} s; phases {string.Join(",", o.Phases)}"));
    }
}

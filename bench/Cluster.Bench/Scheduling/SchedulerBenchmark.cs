using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Cluster.Bench.Agent;
using Cluster.Bench.Api;

namespace Cluster.Bench.Scheduling;

/// <summary>
/// Scheduler throughput in the shape of upstream's scheduler_perf SchedulingBasic: N simulated nodes and M pending
/// pods with small requests, every binding persisted. The pods are created while the scheduler is off; the node is
/// then restarted on the same data with the scheduler on, and a watch stamps each pod's first event that names a
/// node. Prints pods/s from the first binding to the last, and from the API answering to the last.
/// </summary>
public static class SchedulerBenchmark
{
    public const string Usage = "schedule [--nodes N] [--pods M[,M2...]] [--shape perf|kwok|both] [--dir PATH] [--cycles-only]";

    public static async Task<int> Run(string[] args)
    {
        var nodes = CommandLine.Int(args, "--nodes") ?? 5000;
        var podCounts = (CommandLine.Option(args, "--pods") ?? "10000,50000").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var dir = CommandLine.Option(args, "--dir") ?? Path.GetTempPath();
        using var cancel = CommandLine.CancelOnCtrlC();
        Console.WriteLine($"# scheduler: {nodes:N0} simulated nodes, pending pods bound by the scheduler and persisted; {Environment.ProcessorCount} cores");
        foreach (var pods in podCounts)
        {
            CycleBenchmark.Run(nodes, pods);
            CycleBenchmark.Run(nodes, pods, spread: true);
        }

        if (args.Contains("--cycles-only"))
        {
            return 0;
        }

        var shape = CommandLine.Option(args, "--shape") ?? "both";
        foreach (var agents in new[] { false, true }.Where(a => shape == "both" || (shape == "kwok") == a))
        {
            Console.WriteLine(agents
                ? "## kwok shape: the nodes are simulated node agents, which run each bound pod and report its status"
                : "## scheduler_perf shape: the nodes are API objects only (no agent), as scheduler_perf's fake nodes");
            foreach (var pods in podCounts)
            {
                await RunOnceAsync(nodes, pods, agents, dir, cancel.Token);
            }
        }

        return 0;
    }

    private static async Task RunOnceAsync(int nodes, int pods, bool agents, string dir, CancellationToken ct)
    {
        var data = Path.Combine(Path.GetFullPath(dir), $"schedule-bench-{Environment.ProcessId}-{pods}");
        Directory.CreateDirectory(data);
        try
        {
            var port = NodeProcess.FreePort();
            await using (var held = await NodeProcess.StartAsync(dir, new Dictionary<string, string>(), port, Arguments(nodes, data, agents, schedule: false), ct))
            {
                using var client = new ApiClient(held.BaseUri, 64);
                if (!agents)
                {
                    await CreateNodesAsync(client, nodes, ct);
                }

                await SimulatedNodesBenchmark.UntilAsync(() => SimulatedNodesBenchmark.CountAsync(client, "/api/v1/nodes", SimulatedNodesBenchmark.IsReadyNode, ct), nodes, TimeSpan.FromMinutes(5), ct);
                var created = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(0, pods), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
                {
                    // scheduler_perf's pod-default template: one container asking for 100m cpu and 500Mi memory.
                    var body = Encoding.UTF8.GetBytes(
                        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"s" + i.ToString(CultureInfo.InvariantCulture) +
                        "\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"simulated\",\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"500Mi\"}}}]}}");
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = ApiClient.Json;
                    using var response = await client.Http.PostAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative), content, token);
                    response.EnsureSuccessStatusCode();
                });
                Console.WriteLine($" {pods:N0} pods: created pending in {created.Elapsed.TotalSeconds:0.0} s ({pods / created.Elapsed.TotalSeconds:N0}/s) with the scheduler off");
            }

            var started = Stopwatch.StartNew();
            await using var node = await NodeProcess.StartAsync(dir, new Dictionary<string, string>(), port, Arguments(nodes, data, agents, schedule: true), ct);
            var serving = started.Elapsed;
            using var trace = Environment.GetEnvironmentVariable("SCHEDULE_BENCH_TRACE") is { Length: > 0 } tracePath
                ? Process.Start(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet/tools/dotnet-trace"), ["collect", "-p", node.Pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time", "--duration", "00:00:00:08", "-o", $"{tracePath}-{(agents ? "kwok" : "perf")}-{pods}.nettrace"])
                : null;
            using var client2 = new ApiClient(node.BaseUri, 4);
            // The list says which pods were bound before the watch; the watch, from the list's version, stamps the rest.
            var (version, alreadyBound) = await ListAsync(client2, ct);
            var bound = new BindingCounter(pods, alreadyBound);
            using var watch = await WatchConnection.OpenAsync(new IPEndPoint(IPAddress.Loopback, port), $"/api/v1/namespaces/default/pods?watch=1&resourceVersion={version}", 8 * pods, bound.OnLine, ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reading = watch.RunAsync(stop.Token);
            bound.Check();
            var deadline = Stopwatch.StartNew();
            var note = "";
            while (!bound.Done.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(15))
            {
                await Task.WhenAny(bound.Done, Task.Delay(TimeSpan.FromSeconds(1), ct));
                // A watch the server ended (it fell too far behind) stamps no more: the list decides, to the second.
                if (!bound.Done.IsCompleted && watch.Closed is { } why
                    && await SimulatedNodesBenchmark.CountAsync(client2, "/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3D", _ => true, ct) == 0)
                {
                    note = $" (the watch closed after {bound.Watched:N0} bindings: {why}; the end found by listing)";
                    break;
                }
            }

            var allBound = started.Elapsed;
            await stop.CancelAsync();
            await reading;
            var span = (bound.Last - bound.First) / (double)Stopwatch.Frequency;
            var total = (allBound - serving).TotalSeconds;
            Console.WriteLine($" {pods:N0} pods on {nodes:N0} nodes: all bound {total:0.0} s after the restarted node served ({pods / total:N0} pods/s); " +
                $"the {bound.Watched:N0} bindings the watch saw took {span:0.0} s: {bound.Watched / span:N0} pods/s (target: at least 1,000 pods/s){note}");
            Console.WriteLine("   bindings per second: " + bound.PerSecond());
            // The scheduler reports every 10 s; its last word says where the time went.
            await Task.Delay(TimeSpan.FromSeconds(11), ct);
            if (node.LogTail().Split(Environment.NewLine).LastOrDefault(l => l.Contains("Scheduler: ", StringComparison.Ordinal)) is { } figures)
            {
                Console.WriteLine("   " + figures[(figures.IndexOf("Scheduler: ", StringComparison.Ordinal) + 11)..]);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static string[] Arguments(int nodes, string data, bool agents, bool schedule) =>
        agents
            ? ["--data-dir", data, "--node:name=bench", "--runtime", "simulated", "--simulated-nodes", nodes.ToString(CultureInfo.InvariantCulture), "--agent:simulated-start-delay=0ms",
               "--scheduler:enabled=" + (schedule ? "true" : "false")]
            // No agent renews these nodes' Leases: node lifecycle would taint them unreachable (scheduler_perf runs no controller manager).
            : ["--data-dir", data, "--node:name=bench", "--runtime", "none", "--scheduler:enabled=" + (schedule ? "true" : "false"), "--controllers:enabled=*,-nodelifecycle,-taint-eviction-controller"];

    /// <summary>scheduler_perf's node template: 4 cpu, 32Gi, 110 pods, Ready; nothing runs behind it.</summary>
    private static async Task CreateNodesAsync(ApiClient client, int nodes, CancellationToken ct) =>
        await Parallel.ForEachAsync(Enumerable.Range(1, nodes), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            var name = "bench-sim-" + i.ToString(CultureInfo.InvariantCulture);
            var body = Encoding.UTF8.GetBytes(
                "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"kubernetes.io/hostname\":\"" + name + "\"}}," +
                "\"status\":{\"allocatable\":{\"cpu\":\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"},\"capacity\":{\"cpu\":\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"}," +
                "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = ApiClient.Json;
            using var response = await client.Http.PostAsync(new Uri("/api/v1/nodes", UriKind.Relative), content, token);
            response.EnsureSuccessStatusCode();
        });

    private static async Task<(string Version, HashSet<string> Bound)> ListAsync(ApiClient client, CancellationToken ct)
    {
        using var list = System.Text.Json.JsonDocument.Parse(await client.Http.GetStringAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative), ct));
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.RootElement.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("spec").TryGetProperty("nodeName", out var node) && node.GetString() is { Length: > 0 })
            {
                bound.Add(item.GetProperty("metadata").GetProperty("name").GetString()!);
            }
        }

        return (list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!, bound);
    }

    /// <summary>Stamps the first watch event of each pod, not bound at the list, that names a node.</summary>
    private sealed class BindingCounter(int pods, HashSet<string> bound)
    {
        private static readonly byte[] NodeName = Encoding.ASCII.GetBytes("\"nodeName\":\"");
        private static readonly byte[] NameKey = Encoding.ASCII.GetBytes("\"name\":\"");
        private readonly HashSet<string> _bound = bound;
        private readonly List<long> _stamps = new(pods);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Done => _done.Task;

        public long First { get; private set; }

        public long Last { get; private set; }

        /// <summary>Bindings seen on the watch.</summary>
        public int Watched { get; private set; }

        public void OnLine(ReadOnlySpan<byte> line, long ticks)
        {
            if (line.IndexOf(NodeName) < 0)
            {
                return;
            }

            var at = line.IndexOf(NameKey) + NameKey.Length;
            var end = line[at..].IndexOf((byte)'"');
            var name = Encoding.ASCII.GetString(line.Slice(at, end));
            lock (_bound)
            {
                if (_bound.Add(name))
                {
                    if (Watched++ == 0)
                    {
                        First = ticks;
                    }

                    Last = ticks;
                    _stamps.Add(ticks);
                    Check();
                }
            }
        }

        /// <summary>Bindings the watch saw in each second from the first: where a run ramps up, where it holds steady.</summary>
        public string PerSecond()
        {
            lock (_bound)
            {
                if (_stamps.Count == 0)
                {
                    return "none";
                }

                var seconds = new int[(int)((Last - First) / Stopwatch.Frequency) + 1];
                foreach (var stamp in _stamps)
                {
                    seconds[(int)((stamp - First) / Stopwatch.Frequency)]++;
                }

                return string.Join(' ', seconds.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)));
            }
        }

        public void Check()
        {
            lock (_bound)
            {
                if (_bound.Count >= pods)
                {
                    _done.TrySetResult();
                }
            }
        }
    }
}

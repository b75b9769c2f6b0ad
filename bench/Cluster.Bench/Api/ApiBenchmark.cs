using System.Runtime.InteropServices;

namespace Cluster.Bench.Api;

/// <summary>
/// The Kubernetes API of a started Cluster.Node over HTTP on loopback: request throughput and latency, paced
/// writes with reads against latency targets, listing many pods (time and node memory), and watch fan-out.
/// </summary>
public static class ApiBenchmark
{
    private const double WriteP99Target = 50, ReadP99Target = 10, ListSecondsTarget = 5, WatchP99Target = 50;

    public static async Task<int> Run(string[] args)
    {
        var options = ApiBenchOptions.Parse(args);
        var output = Console.Out;
        using var cancel = CommandLine.CancelOnCtrlC(); // so the node is stopped and its directory removed

        PrintMachine(output, options);
        var watchers = options.Phases.Contains("watch") ? options.WatcherLevels.Max() : 0;
        var fileLimit = ProcStats.OpenFileLimit();
        if (fileLimit >= 0 && fileLimit < watchers + 512)
        {
            Console.Error.WriteLine(Report.F($"error: the open-file limit is {fileLimit}, too low for {watchers:N0} watch streams (each is a socket here and in the node); raise it (as root: `ulimit -Hn {watchers + 4096}; ulimit -n {watchers + 4096}` in the shell that runs the benchmark) and try again."));
            return 1;
        }

        output.WriteLine(Report.F($"open-file limit (soft; .NET raises it to the hard limit, here and in the node): {fileLimit}"));
        await using var node = await NodeProcess.StartAsync(options.DataParent, options.NodeEnvironment, cancel.Token);
        output.WriteLine($"node: pid {node.Pid}, {node.BaseUri}, data in {node.DataDirectory}");
        if (options.NodeEnvironment.Count > 0)
        {
            output.WriteLine("node environment: " + string.Join(" ", options.NodeEnvironment.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        output.WriteLine();

        var summary = new List<string>();
        var failed = false;
        try
        {
            if (options.Phases.Contains("list"))
            {
                output.WriteLine(Report.F($"== list: {options.ListPods:N0} pods =="));
                var load = MachineLoad.Start(node.Pid);
                var (create, runs) = await ListPhase.RunAsync(node, options, output, cancel.Token);
                Report.PrintRows(output, [create]);
                ListPhase.Print(output, runs);
                output.WriteLine(" " + load.Describe());
                output.WriteLine();
                failed |= create.Summary.Errors > 0;
                summary.Add(Report.F($" bulk create {create.Summary.Count:N0} pods, {options.Clients} clients   {create.Summary.PerSecond,10:N0} pods/s  (p99 {create.Summary.P99Ms:0.0} ms)"));
                foreach (var r in runs)
                {
                    summary.Add(Report.F($" {r.Name,-50}{r.Items,8:N0} items {r.Total.TotalSeconds,7:0.00} s  node RSS +{Report.Megabytes(r.Growth),-9} target <= {ListSecondsTarget} s: {Report.Verdict(r.Total.TotalSeconds, ListSecondsTarget)}"));
                }
            }

            if (options.Phases.Contains("rw"))
            {
                output.WriteLine(Report.F($"== create / update / get: {options.Clients} clients, {options.PhaseDuration.TotalSeconds:0} s each; then paced =="));
                var load = MachineLoad.Start(node.Pid);
                var rows = await ReadWritePhase.RunAsync(node, options, output, cancel.Token);
                Report.PrintRows(output, rows);
                output.WriteLine(" " + load.Describe());
                output.WriteLine();
                failed |= rows.Any(r => r.Summary.Errors > 0);
                foreach (var r in rows.Take(3))
                {
                    summary.Add(Report.F($" {r.Name,-34}{r.Summary.PerSecond,10:N0} req/s  p50 {r.Summary.P50Ms,6:0.00} ms  p99 {r.Summary.P99Ms,6:0.00} ms"));
                }

                var (writes, reads) = (rows[3].Summary, rows[4].Summary);
                summary.Add(Report.F($" at {options.WriteRate:N0} writes/s: write p99 {writes.P99Ms,7:0.00} ms   target <= {WriteP99Target} ms: {Report.Verdict(writes.P99Ms, WriteP99Target)}"));
                summary.Add(Report.F($" with {options.ReadRate:N0} reads/s: read p99  {reads.P99Ms,7:0.00} ms   target <= {ReadP99Target} ms: {Report.Verdict(reads.P99Ms, ReadP99Target)}"));
            }

            if (options.Phases.Contains("watch"))
            {
                output.WriteLine(Report.F($"== watch fan-out: {string.Join(", ", options.WatcherLevels.Select(l => l.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} watchers, {options.WatchRounds} rounds each (+2 warm-up) =="));
                var load = MachineLoad.Start(node.Pid);
                var levels = await WatchPhase.RunAsync(node, options, output, cancel.Token);
                WatchPhase.Print(output, levels);
                output.WriteLine(" " + load.Describe());
                output.WriteLine();
                failed |= levels.Any(l => l.Missing > 0);
                foreach (var l in levels)
                {
                    summary.Add(Report.F($" event to {l.Watchers,5:N0} watchers: p50 {l.Events.P50Ms,6:0.0} ms  p99 {l.Events.P99Ms,6:0.0} ms  max {l.Events.MaxMs,6:0.0} ms   target p99 <= {WatchP99Target} ms: {Report.Verdict(l.Events.P99Ms, WatchP99Target)}"));
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine($"node log tail:{Environment.NewLine}{node.LogTail()}");
            return 1;
        }

        output.WriteLine("== summary ==");
        summary.ForEach(output.WriteLine);
        output.WriteLine(Report.F($" node peak RSS over the whole run (VmHWM since the last reset): {Report.Megabytes(ProcStats.Memory(node.Pid).Peak)}"));
        return failed ? 1 : 0;
    }

    private static void PrintMachine(TextWriter output, ApiBenchOptions o)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        output.WriteLine($"Cluster.Bench api{(o.Quick ? " --quick" : "")}");
        output.WriteLine(Report.F($"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {load}"));
        output.WriteLine("  the node and this benchmark share these cores; the node runs with its own runtimeconfig (workstation GC unless it says otherwise)");
        output.WriteLine(Report.F($"parameters: seed {o.Seed}; {o.Clients} clients (HTTP/1.1, SocketsHttpHandler, one connection per client); warm-up {o.WarmUp.TotalSeconds:0.#} s; create/update/get {o.PhaseDuration.TotalSeconds:0.#} s each;"));
        output.WriteLine(Report.F($"  paced {o.WriteRate:N0} writes/s (merge PATCH) + {o.ReadRate:N0} reads/s (GET) for {o.PacedDuration.TotalSeconds:0.#} s, open loop, latency from the scheduled time;"));
        output.WriteLine(Report.F($"  list {o.ListPods:N0} pods (page size {o.PageSize}); watchers {string.Join("/", o.WatcherLevels)}, {o.WatchRounds} rounds, {o.WatchGap.TotalMilliseconds:0} ms apart; phases {string.Join(",", o.Phases)}"));
    }
}

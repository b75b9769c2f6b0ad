using System.Diagnostics;
using System.Globalization;

namespace Cluster.Bench.Api;

/// <summary>CPU time used by the node processes (summed) and by this benchmark since <see cref="Start"/>.</summary>
public readonly record struct CpuMeter(IReadOnlyList<int> Pids, TimeSpan Server, TimeSpan Bench)
{
    public static CpuMeter Start(params int[] pids) => new(pids, NodesCpu(pids), BenchCpu());

    public (TimeSpan Server, TimeSpan Bench) Used() => (NodesCpu(Pids) - Server, BenchCpu() - Bench);

    private static TimeSpan NodesCpu(IEnumerable<int> pids) => pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcStats.CpuTime(pid));

    private static TimeSpan BenchCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}

/// <summary>What a <see cref="MachineLoad"/> measured: core-seconds of the nodes, this benchmark and everything else, over a wall time.</summary>
public readonly record struct CpuShares(TimeSpan Nodes, TimeSpan Bench, double OtherCoreSeconds, double WallSeconds)
{
    /// <summary>Cores other processes kept busy on average.</summary>
    public double OtherCores => WallSeconds > 0 ? OtherCoreSeconds / WallSeconds : 0;
}

/// <summary>
/// CPU used on the whole machine by processes other than the node(s) and this benchmark since <see cref="Start"/>
/// (from /proc/stat), so a figure taken while other work competed for the cores says so.
/// </summary>
public readonly record struct MachineLoad(CpuMeter Ours, double MachineBusySeconds, long StartTimestamp)
{
    public static MachineLoad Start(params int[] pids) => new(CpuMeter.Start(pids), BusySeconds(), Stopwatch.GetTimestamp());

    public CpuShares Measure()
    {
        var (server, bench) = Ours.Used();
        var other = Math.Max(0, BusySeconds() - MachineBusySeconds - server.TotalSeconds - bench.TotalSeconds);
        return new CpuShares(server, bench, other, Stopwatch.GetElapsedTime(StartTimestamp).TotalSeconds);
    }

    /// <summary>"CPU during this phase: node 9.1 core-s, benchmark 2.0 core-s, other processes 3.9 core-s (0.40 cores on average over 9.8 s)".</summary>
    public string Describe()
    {
        var m = Measure();
        var nodes = Ours.Pids.Count == 1 ? "node" : Report.F($"{Ours.Pids.Count} nodes");
        return Report.F($"CPU during this phase: {nodes} {m.Nodes.TotalSeconds:0.0} core-s, benchmark {m.Bench.TotalSeconds:0.0} core-s, other processes {m.OtherCoreSeconds:0.0} core-s ({m.OtherCores:0.00} cores on average over {m.WallSeconds:0.0} s)");
    }

    private static double BusySeconds()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (ticks.Sum() - ticks[3] - ticks[4]) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return 0;
        }
    }
}

/// <summary>One measured request mix: what it was, its figures, and the CPU the node and the benchmark spent on it.</summary>
public sealed record ApiRow(string Name, string Clients, LatencySummary Summary, TimeSpan ServerCpu, TimeSpan BenchCpu);

/// <summary>Table formatting shared by the phases.</summary>
public static class Report
{
    public static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Megabytes(long bytes) => F($"{bytes / (1024.0 * 1024.0):0.0} MB");

    public static void PrintRows(TextWriter output, IEnumerable<ApiRow> rows)
    {
        output.WriteLine(" operation                          clients  requests  seconds     req/s   p50 ms   p99 ms   max ms  errors  node CPU/req  bench CPU");
        foreach (var r in rows)
        {
            var s = r.Summary;
            var perRequest = s.Count + s.Errors > 0 ? r.ServerCpu.TotalMicroseconds / (s.Count + s.Errors) : 0;
            output.WriteLine(F($" {r.Name,-34}{r.Clients,8}{s.Count,10}{s.Elapsed.TotalSeconds,9:0.00}{s.PerSecond,10:0}{s.P50Ms,9:0.00}{s.P99Ms,9:0.00}{s.MaxMs,9:0.0}{s.Errors,8}{perRequest,11:0} µs{r.BenchCpu.TotalSeconds,9:0.0} s"));
            if (s.FirstError is not null)
            {
                output.WriteLine($"   first error: {s.FirstError}");
            }
        }
    }

    /// <summary>"OK" or "MISSED" next to a figure and its target (smaller is better).</summary>
    public static string Verdict(double value, double target) => value <= target ? "ok" : "MISSED";
}

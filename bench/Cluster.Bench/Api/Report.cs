using System.Diagnostics;
using System.Globalization;

namespace Cluster.Bench.Api;

/// <summary>CPU time used by the node and by this benchmark since <see cref="Start"/>.</summary>
public readonly record struct CpuMeter(int Pid, TimeSpan Server, TimeSpan Bench)
{
    public static CpuMeter Start(int pid) => new(pid, ProcStats.CpuTime(pid), BenchCpu());

    public (TimeSpan Server, TimeSpan Bench) Used() => (ProcStats.CpuTime(Pid) - Server, BenchCpu() - Bench);

    private static TimeSpan BenchCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
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

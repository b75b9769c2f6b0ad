using System.Diagnostics;

namespace Cluster.Bench.Api;

/// <summary>Count, rate and latency percentiles of one measured run.</summary>
public sealed record LatencySummary(long Count, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms, double MaxMs)
{
    /// <summary>The first failure, if any, to print under the figures.</summary>
    public string? FirstError { get; init; }

    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Collects latencies (Stopwatch ticks) from many concurrent workers, each into its own list so recording
/// never contends; <see cref="Summarize"/> merges and sorts once at the end.
/// </summary>
public sealed class Latencies
{
    private readonly List<long>[] perWorker;
    private long errors;
    private string? firstError;

    public Latencies(int workers, int expectedPerWorker = 1024)
    {
        perWorker = new List<long>[workers];
        for (var i = 0; i < workers; i++)
        {
            perWorker[i] = new List<long>(expectedPerWorker);
        }
    }

    /// <summary>Records one sample; each worker index must be used by one task at a time.</summary>
    public void Add(int worker, long ticks) => perWorker[worker].Add(ticks);

    /// <summary>Records one sample from any thread (paced runs, where requests overlap freely).</summary>
    public void AddShared(long ticks)
    {
        var list = perWorker[0];
        lock (list)
        {
            list.Add(ticks);
        }
    }

    public void Fail(string error)
    {
        Interlocked.Increment(ref errors);
        Interlocked.CompareExchange(ref firstError, error, null);
    }

    public LatencySummary Summarize(TimeSpan elapsed)
    {
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LatencySummary(all.Length, Interlocked.Read(ref errors), elapsed,
            Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? 0 : Milliseconds(all[^1]))
        {
            FirstError = firstError,
        };
    }

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : Milliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * quantile) - 1)]);
}

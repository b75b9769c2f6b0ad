namespace Cluster.Bench.Actors;

/// <summary>
/// How long each figure is measured: a warm-up run first (so the figure shows JIT-compiled,
/// tiered-up code), then timed runs; the figure is their median, so one lucky or unlucky run does
/// not make it.
/// </summary>
internal sealed record BenchPlan(TimeSpan WarmUp, TimeSpan Measure, int Runs)
{
    public static BenchPlan For(bool quick) =>
        quick ? new(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(1), 1) : new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 3);

    /// <summary>Warms up, then returns the median of <see cref="Runs"/> timed runs of <paramref name="measure"/>.</summary>
    public async Task<T> MedianAsync<T>(Func<TimeSpan, Task<T>> measure, Func<T, double> key)
    {
        await measure(WarmUp);
        var results = new List<T>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            results.Add(await measure(Measure));
        }

        return results.OrderBy(key).ElementAt(results.Count / 2);
    }

    public Task<double> MedianAsync(Func<TimeSpan, Task<double>> measure) => MedianAsync(measure, r => r);
}

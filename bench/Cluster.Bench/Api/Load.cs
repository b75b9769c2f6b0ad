using System.Diagnostics;

namespace Cluster.Bench.Api;

/// <summary>Closed-loop (N clients back to back) and open-loop (fixed schedule) request drivers.</summary>
public static class Load
{
    /// <summary>
    /// <paramref name="clients"/> workers, each sending its next operation as soon as the previous one answered,
    /// until <paramref name="maxOps"/> operations were started or <paramref name="duration"/> has passed.
    /// The operation gets (worker, operation number) and returns null on success or the error.
    /// </summary>
    public static async Task<LatencySummary> ClosedLoopAsync(
        int clients, TimeSpan duration, long maxOps, Func<int, long, Task<string?>> operation, CancellationToken ct)
    {
        var latencies = new Latencies(clients);
        var next = -1L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested && clock.Elapsed < duration)
            {
                var op = Interlocked.Increment(ref next);
                if (op >= maxOps)
                {
                    return;
                }

                var start = Stopwatch.GetTimestamp();
                var error = await operation(worker, op);
                if (error is null)
                {
                    latencies.Add(worker, Stopwatch.GetTimestamp() - start);
                }
                else
                {
                    latencies.Fail(error);
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        return latencies.Summarize(clock.Elapsed);
    }

    /// <summary>
    /// Open loop: operation i is due at start + i / <paramref name="perSecond"/> and is sent then whether or not
    /// earlier ones have answered; its latency runs from the due time, so a late dispatch or a queue in front of
    /// the server counts against it (no coordinated omission).
    /// </summary>
    public static async Task<LatencySummary> PacedAsync(
        double perSecond, TimeSpan duration, Func<long, Task<string?>> operation, CancellationToken ct)
    {
        var total = (long)(perSecond * duration.TotalSeconds);
        var latencies = new Latencies(1, (int)Math.Min(total, int.MaxValue));
        var interval = Stopwatch.Frequency / perSecond;
        var pending = new List<Task>((int)Math.Min(total, int.MaxValue));
        var start = Stopwatch.GetTimestamp();
        var clock = Stopwatch.StartNew();
        for (var i = 0L; i < total && !ct.IsCancellationRequested;)
        {
            var now = Stopwatch.GetTimestamp();
            while (i < total && start + (long)(i * interval) <= now)
            {
                pending.Add(TimedAsync(i, start + (long)(i * interval)));
                i++;
            }

            if (i < total)
            {
                await Task.Delay(1, ct);
            }
        }

        await Task.WhenAll(pending);
        return latencies.Summarize(clock.Elapsed);

        async Task TimedAsync(long op, long due)
        {
            var error = await operation(op);
            if (error is null)
            {
                latencies.AddShared(Stopwatch.GetTimestamp() - due);
            }
            else
            {
                latencies.Fail(error);
            }
        }
    }
}

using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>
/// The pod failure back-off (upstream's backoffRecord): after the <c>n</c>-th failure since the last success, new
/// pods wait <c>10 s × 2^(n-1)</c>, at most six minutes, from that failure. Derived from the pods each sync, so a
/// restarted controller keeps the same back-off. Pure.
/// </summary>
public static class JobBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(6);

    /// <summary>The delay after <paramref name="failures"/> consecutive failures (zero for none).</summary>
    public static TimeSpan Delay(int failures) =>
        failures <= 0 ? TimeSpan.Zero
        : failures > 10 ? Max
        : TimeSpan.FromTicks(Math.Min(Initial.Ticks << (failures - 1), Max.Ticks));

    /// <summary>How long new pods must still wait at <paramref name="now"/> (zero: they may be created).</summary>
    public static TimeSpan Remaining(IReadOnlyCollection<V1Pod> pods, DateTimeOffset now)
    {
        var lastSuccess = pods.Where(p => p.Status?.Phase == "Succeeded").Select(JobFacts.FinishedAt).Max();
        var failures = pods.Where(p => p.Status?.Phase == "Failed")
            .Select(JobFacts.FinishedAt)
            .Where(t => lastSuccess is null || (t is { } at && at > lastSuccess))
            .ToList();
        if (failures.Count == 0 || failures.Max() is not { } lastFailure)
        {
            return TimeSpan.Zero;
        }

        var remaining = lastFailure + Delay(failures.Count) - now;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}

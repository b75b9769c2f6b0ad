using System.Diagnostics;
using Cluster.Bench.Api;
using static Cluster.Bench.Api.Report;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// Fail-over figures, each from the SIGKILL: when member 1 saw the victim unreachable, downed and removed (a member
/// downed and removed between two polls counts as down when removed), and when every ConfigMap had accepted a
/// write sent after the kill (null: not within the limit).
/// </summary>
internal sealed record Failover(
    int Objects, IReadOnlyList<TimeSpan> StalledRecoveries, TimeSpan? AllWritable, TimeSpan? Unreachable, TimeSpan? Downed, TimeSpan? Removed,
    long Acknowledged, long Failed, string? FirstError)
{
    /// <summary>Objects that had a write fail or time out after the kill: their shards were on the dead member.</summary>
    public int Stalled => StalledRecoveries.Count;
}

/// <summary>
/// Phase 3 (last: it kills a member): steady writes to a few dozen ConfigMaps through member 1, one paced
/// writer per object with a short client timeout; then SIGKILL the last member and time how long the objects
/// whose shards lived there take to answer again, with the cluster's default failure detector and split brain
/// resolver. Membership is polled on member 1.
/// </summary>
internal static class FailoverPhase
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<Failover> RunAsync(BenchCluster cluster, ClusterBenchOptions o, TextWriter log, CancellationToken ct)
    {
        var (via, victim) = (cluster.Members[0], cluster.Members[^1]);
        var set = new ConfigMapSet("bench-failover", o.FailoverObjects);
        await set.CreateAsync([via.Api], ct);
        var writers = new ObjectWriters(set, via.Api, o.ClientTimeout, o.FailoverWriteInterval);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = writers.RunAsync(stop.Token);
        log.WriteLine(F($"  {set.Count} ConfigMaps written through {via.Name}, one writer each (a write every {o.FailoverWriteInterval.TotalMilliseconds:0} ms), client timeout {o.ClientTimeout.TotalSeconds:0.#} s; SIGKILL {victim.Name} after {o.SteadyBeforeKill.TotalSeconds:0} s"));
        await Task.Delay(o.SteadyBeforeKill, ct);

        var killedAt = Stopwatch.GetTimestamp();
        writers.KilledAt = killedAt;
        victim.Node.Crash();
        TimeSpan? unreachable = null, downed = null, removed = null;
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < o.FailoverLimit && (removed is null || writers.Recovered < set.Count))
            {
                var since = Stopwatch.GetElapsedTime(killedAt);
                try
                {
                    var view = await MembersView.GetAsync(via.Api, o.ClientTimeout, ct);
                    unreachable ??= view.Unreachable.Contains(victim.Address) ? since : null;
                    downed ??= view.StatusByAddress.GetValueOrDefault(victim.Address) is "Down" ? since : null;
                    removed ??= !view.StatusByAddress.ContainsKey(victim.Address) ? since : null;
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    // A slow answer is a missed sample; the next one follows.
                }

                await Task.Delay(PollInterval, ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }

        var result = new Failover(
            set.Count, writers.StalledRecoveries(), writers.Recovered == set.Count ? writers.LastRecovery : null, unreachable, downed ?? removed, removed,
            writers.Acknowledged, writers.Failed, writers.FirstError);
        log.WriteLine(F($"  {victim.Name} unreachable after {Seconds(result.Unreachable)}, down {Seconds(result.Downed)}, removed {Seconds(result.Removed)}; ")
            + F($"{result.Stalled} of {set.Count} ConfigMaps had to wait; all writable after {Seconds(result.AllWritable)}; {result.Acknowledged:N0} writes acknowledged, {result.Failed:N0} failed or timed out"));
        log.WriteLine("  the waiting ConfigMaps wrote again after: " + string.Join(", ", result.StalledRecoveries.Order().Select(t => F($"{t.TotalSeconds:0.0}"))) + " s");
        if (result.FirstError is not null)
        {
            log.WriteLine("  first error: " + result.FirstError);
        }

        return result;
    }

    /// <summary>"9.3 s", or "not within the limit".</summary>
    public static string Seconds(TimeSpan? t) => t is { } v ? F($"{v.TotalSeconds:0.0} s") : "not within the limit";

    /// <summary>
    /// One sequential writer per ConfigMap (a stalled object does not hold the others up), each recording when
    /// it first succeeded with a write it sent after <see cref="KilledAt"/>.
    /// </summary>
    private sealed class ObjectWriters(ConfigMapSet set, ApiClient via, TimeSpan timeout, TimeSpan interval)
    {
        private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);
        private readonly long[] recoveredAt = new long[set.Count];
        private readonly bool[] stalled = new bool[set.Count];
        private long killedAt;
        private long acknowledged;
        private long failed;
        private string? firstError;

        /// <summary>Stopwatch ticks of the kill; 0 before it.</summary>
        public long KilledAt
        {
            get => Volatile.Read(ref killedAt);
            set => Volatile.Write(ref killedAt, value);
        }

        public int Recovered => Enumerable.Range(0, recoveredAt.Length).Count(i => Volatile.Read(ref recoveredAt[i]) != 0);

        /// <summary>From the kill to the first acknowledged write of each object that had a write fail or time out after it (unrecovered ones left out).</summary>
        public TimeSpan[] StalledRecoveries() => Enumerable.Range(0, stalled.Length)
            .Where(i => Volatile.Read(ref stalled[i]) && Volatile.Read(ref recoveredAt[i]) != 0)
            .Select(i => Stopwatch.GetElapsedTime(KilledAt, recoveredAt[i])).ToArray();

        /// <summary>From the kill to the last object's first acknowledged write sent after it.</summary>
        public TimeSpan LastRecovery => Stopwatch.GetElapsedTime(KilledAt, recoveredAt.Max());

        public long Acknowledged => Interlocked.Read(ref acknowledged);

        public long Failed => Interlocked.Read(ref failed);

        public string? FirstError => Volatile.Read(ref firstError);

        public Task RunAsync(CancellationToken stop) =>
            Task.WhenAll(Enumerable.Range(0, set.Count).Select(i => Task.Run(() => WriteLoopAsync(i, stop), CancellationToken.None)));

        private async Task WriteLoopAsync(int index, CancellationToken stop)
        {
            for (var n = 1L; !stop.IsCancellationRequested; n++)
            {
                var sent = Stopwatch.GetTimestamp();
                var sentAfterKill = KilledAt != 0;
                Reply reply;
                try
                {
                    reply = await set.WriteAsync(via, index, n, timeout, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (reply.Error is null)
                {
                    Interlocked.Increment(ref acknowledged);
                    if (sentAfterKill && Volatile.Read(ref recoveredAt[index]) == 0)
                    {
                        Volatile.Write(ref recoveredAt[index], Stopwatch.GetTimestamp());
                    }

                    await PauseAsync(sent, interval);
                    continue;
                }

                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, reply.Error, null);
                Volatile.Write(ref stalled[index], stalled[index] || KilledAt != 0);
                // Refused at once (503 while the shard has no home): retry after a pause, not in a tight loop.
                await PauseAsync(sent, RetryPause);
            }
        }

        /// <summary>Waits out what is left of <paramref name="period"/> since <paramref name="sent"/>, so the load stays steady.</summary>
        private static async Task PauseAsync(long sent, TimeSpan period)
        {
            var left = period - Stopwatch.GetElapsedTime(sent);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, CancellationToken.None);
            }
        }
    }
}

using System.Diagnostics;
using Cluster.Bench.Api;
using static Cluster.Bench.Api.Report;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// One watch run: its writes (latency from the scheduled time), the timed watchers' event latency from each
/// write's 200 response and from its send, events never seen, and each member's CPU over the run.
/// </summary>
internal sealed record WatchRun(
    int Watchers, LatencySummary Writes, LatencySummary AfterAck, LatencySummary AfterSend, long Missing, int ClosedStreams, IReadOnlyList<TimeSpan> MemberCpu)
{
    /// <summary>CPU member <paramref name="index"/> spent per write of this run.</summary>
    public TimeSpan CpuPerWrite(int index) => Writes.Count > 0 ? MemberCpu[index] / Writes.Count : TimeSpan.Zero;
}

/// <summary>Both watch runs: with a few timed watchers, then with many more streams added on the same member.</summary>
internal sealed record CrossNodeWatch(WatchRun Few, WatchRun Many, string WatchMember)
{
    /// <summary>Index of the member holding the watches.</summary>
    public const int WatchIndex = 1;

    /// <summary>
    /// CPU the watches' member spends to deliver one event to one watch stream: its extra CPU per write with the
    /// added streams, divided by their number. The writes and objects are the same in both runs, so what else
    /// the member does per write (its shards, following the journal) cancels out.
    /// </summary>
    public TimeSpan DeliveryPerWatcher =>
        (Many.CpuPerWrite(WatchIndex) - Few.CpuPerWrite(WatchIndex)) / Math.Max(1, Many.Watchers - Few.Watchers);
}

/// <summary>
/// Phase 2: watches on member 2, writes through member 1 (each object's shard on any member), and for every
/// write the time until its event, matched by resourceVersion, arrives on each watch stream.
/// </summary>
internal static class CrossNodeWatchPhase
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);
    private const int WarmUpWrites = 100;

    public static async Task<CrossNodeWatch> RunAsync(BenchCluster cluster, ClusterBenchOptions o, TextWriter log, CancellationToken ct)
    {
        var (writer, watched) = (cluster.Members[0], cluster.Members[CrossNodeWatch.WatchIndex]);
        var set = new ConfigMapSet("bench-xwatch", o.WatchObjects);
        await set.CreateAsync([writer.Api], ct);
        await using var watches = new VersionedWatches();
        await watches.OpenAsync(watched, set.ListPath, o.Watchers, timed: true, ct);
        log.WriteLine(F($"  {o.Watchers} watch streams on {watched.Name}; {WarmUpWrites} writes to warm the path up, then {o.WatchWrites:N0} at {o.WatchRate:0}/s through {writer.Name} over {set.Count} ConfigMaps"));
        await MeasureAsync(cluster, set, watches, WarmUpWrites, o.WatchRate, 1, ct);
        var few = await MeasureAsync(cluster, set, watches, o.WatchWrites, o.WatchRate, 1 + WarmUpWrites, ct);
        Log(log, few, cluster);

        await watches.OpenAsync(watched, set.ListPath, o.ExtraWatchers, timed: false, ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        log.WriteLine(F($"  {o.ExtraWatchers} more streams on {watched.Name} (untimed), the same writes again"));
        var many = await MeasureAsync(cluster, set, watches, o.WatchWrites, o.WatchRate, 1 + WarmUpWrites + o.WatchWrites, ct);
        Log(log, many, cluster);
        return new CrossNodeWatch(few, many, watched.Name);
    }

    public static void Print(TextWriter output, CrossNodeWatch watch)
    {
        output.WriteLine(F($" streams on {watch.WatchMember}   writes  write p50/p99 ms  event after 200 p50/p99/max ms  event after send p50/p99 ms  missing  closed"));
        foreach (var r in new[] { watch.Few, watch.Many })
        {
            output.WriteLine(F($" {r.Watchers,17}{r.Writes.Count,9:N0}{r.Writes.P50Ms,9:0.0} /{r.Writes.P99Ms,6:0.0}{r.AfterAck.P50Ms,14:0.0} /{r.AfterAck.P99Ms,6:0.0} /{r.AfterAck.MaxMs,6:0.0}{r.AfterSend.P50Ms,17:0.0} /{r.AfterSend.P99Ms,6:0.0}{r.Missing,13}{r.ClosedStreams,8}"));
        }

        output.WriteLine(F($" (event latencies over the {watch.Few.Watchers} timed streams only; a negative figure: the event came before the client had read the 200)"));
    }

    private static void Log(TextWriter log, WatchRun run, BenchCluster cluster) =>
        log.WriteLine(F($"  with {run.Watchers} streams: event after 200 p50 {run.AfterAck.P50Ms:0.0} ms, p99 {run.AfterAck.P99Ms:0.0} ms; {run.Missing} missing; CPU per write ")
            + string.Join(", ", cluster.Members.Select((m, i) => F($"{m.Name} {run.CpuPerWrite(i).TotalMicroseconds:0} µs"))));

    private static async Task<WatchRun> MeasureAsync(
        BenchCluster cluster, ConfigMapSet set, VersionedWatches watches, int count, double perSecond, long firstValue, CancellationToken ct)
    {
        var writer = cluster.Members[0].Api;
        var (sent, acked, versions) = (new long[count], new long[count], new long[count]);
        var before = cluster.CpuTimes();
        // The half write keeps the paced run's count (rate x duration, rounded down) at exactly count.
        var writes = await Load.PacedAsync(perSecond, TimeSpan.FromSeconds((count + 0.5) / perSecond), async op =>
        {
            sent[op] = Stopwatch.GetTimestamp();
            var reply = await set.WriteAsync(writer, (int)(op % set.Count), firstValue + op, RequestTimeout, ct);
            acked[op] = Stopwatch.GetTimestamp();
            versions[op] = reply.ResourceVersion;
            return reply.Error;
        }, ct);
        await watches.WaitForAsync(versions.Max(), EventTimeout, ct);
        var after = cluster.CpuTimes();

        var afterAck = new Latencies(1, count * watches.Arrivals.Count);
        var afterSend = new Latencies(1, count * watches.Arrivals.Count);
        var missing = 0L;
        for (var op = 0; op < count; op++)
        {
            foreach (var arrived in watches.Arrivals.Where(_ => versions[op] != 0))
            {
                if (arrived.TryGetValue(versions[op], out var at))
                {
                    afterAck.AddShared(at - acked[op]);
                    afterSend.AddShared(at - sent[op]);
                }
                else
                {
                    missing++;
                }
            }
        }

        return new WatchRun(watches.Count, writes, afterAck.Summarize(TimeSpan.Zero), afterSend.Summarize(TimeSpan.Zero), missing, watches.Closed,
            after.Zip(before, (a, b) => a - b).ToArray());
    }
}

using System.Diagnostics;
using Cluster.Bench.Api;
using static Cluster.Bench.Api.Report;

namespace Cluster.Bench.MultiNode;

/// <summary>What one cluster size cost: its measured writes (scheduled over <paramref name="Scheduled"/>), each member's CPU over them, and the cores it used idle.</summary>
internal sealed record CpuCost(int Members, TimeSpan Scheduled, LatencySummary Writes, IReadOnlyList<TimeSpan> PerMember, double IdleCores, CpuShares Machine)
{
    public TimeSpan Total => CpuCostPhase.Sum(PerMember);

    /// <summary>CPU-seconds of all members per 1,000 acknowledged writes.</summary>
    public double SecondsPer1000 => Per1000(Total.TotalSeconds);

    /// <summary>The same less what the members would have used idle over the run (gossip, heartbeats, polling).</summary>
    public double BeyondIdlePer1000 => Per1000(Total.TotalSeconds - (IdleCores * Writes.Elapsed.TotalSeconds));

    /// <summary>False when the members fell behind the schedule (the run took over 10% longer): the cores were saturated.</summary>
    public bool KeptUp => Writes.Elapsed <= Scheduled * 1.1;

    private double Per1000(double cpuSeconds) => Writes.Count > 0 ? cpuSeconds * 1_000 / Writes.Count : double.NaN;
}

/// <summary>
/// Phase 1: the CPU all members spend on the same paced write load (merge patches over many ConfigMaps, requests
/// round-robin over the members' APIs), from /proc/PID/stat before and after; run once per cluster size.
/// </summary>
internal static class CpuCostPhase
{
    private const double SettledCoresPerMember = 0.2;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan JitRound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);

    /// <summary>JIT CPU per second of a round under which a member counts as compiled (2%: the odd late method).</summary>
    private static readonly TimeSpan QuietJit = TimeSpan.FromMilliseconds(20);

    public static async Task<CpuCost> RunAsync(BenchCluster cluster, ClusterBenchOptions o, TextWriter log, CancellationToken ct)
    {
        var apis = cluster.Members.Select(m => m.Api).ToArray();
        var set = new ConfigMapSet("bench-cpu", o.CpuObjects);
        await set.CreateAsync(apis, ct);
        var (warmWrites, warmedFor, warmJit) = await WarmUpAsync(cluster, apis, set, o, ct);
        log.WriteLine(F($"  {apis.Length} member(s): {set.Count} ConfigMaps; warm-up {warmedFor.TotalSeconds:0} s at {o.WriteRate:N0} writes/s (not measured) until the runtime's JIT went quiet on every member; it used {warmJit.TotalSeconds:0.00} CPU-s compiling"));

        // Idle members still gossip, heartbeat and poll the journal; sampled apart so the per-write figure can be read
        // against it, once the warm-up's tail (background JIT, followers catching up, GC) has died down.
        var settled = await SettleAsync(cluster, ct);
        log.WriteLine(settled is { } quietAfter
            ? F($"  settled {quietAfter.TotalSeconds:0} s after the warm-up")
            : F($"  still busy {MaxSettle.TotalSeconds:0} s after the warm-up; measuring anyway"));
        var idleFrom = cluster.CpuTimes();
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(o.IdleSample, ct);
        var idleCores = (Sum(cluster.CpuTimes()) - Sum(idleFrom)) / idleClock.Elapsed;

        var before = cluster.CpuTimes();
        var machine = Api.MachineLoad.Start(cluster.Pids);
        var jitBefore = JitTimes(cluster);
        var writes = await PacedWritesAsync(apis, set, o.WriteRate, o.CpuDuration, warmWrites, ct);
        var after = cluster.CpuTimes();
        var jit = Sum(JitTimes(cluster)) - Sum(jitBefore);
        var cost = new CpuCost(apis.Length, o.CpuDuration, writes, after.Zip(before, (a, b) => a - b).ToArray(), idleCores, machine.Measure());
        log.WriteLine(F($"  measured {writes.Count:N0} writes ({writes.Errors} failed) in {writes.Elapsed.TotalSeconds:0.0} s, p50 {writes.P50Ms:0.0} ms, p99 {writes.P99Ms:0.0} ms; CPU ")
            + string.Join(", ", cluster.Members.Select((m, i) => F($"{m.Name} {cost.PerMember[i].TotalSeconds:0.00} s")))
            + F($"; {cost.SecondsPer1000:0.000} CPU-s per 1,000 writes, of which JIT {jit.TotalSeconds * 1_000 / Math.Max(1, writes.Count):0.000} CPU-s"));
        if (writes.FirstError is not null)
        {
            log.WriteLine("  first error: " + writes.FirstError);
        }

        return cost;
    }

    public static void Print(TextWriter output, IReadOnlyList<CpuCost> costs)
    {
        output.WriteLine(" members   writes  errors  seconds  write p50/p99 ms  CPU-s, all members  CPU-s/1,000 writes  beyond idle  idle cluster  benchmark  other processes");
        foreach (var c in costs)
        {
            output.WriteLine(F($" {c.Members,7}{c.Writes.Count,9:N0}{c.Writes.Errors,8}{c.Writes.Elapsed.TotalSeconds,9:0.0}{c.Writes.P50Ms,9:0.0} /{c.Writes.P99Ms,7:0.0}{c.Total.TotalSeconds,18:0.00} s{c.SecondsPer1000,18:0.000} s{c.BeyondIdlePer1000,11:0.000} s{c.IdleCores,8:0.00} cores{c.Machine.Bench.TotalSeconds,9:0.0} s{c.Machine.OtherCores,10:0.00} cores"));
        }

        output.WriteLine(" (beyond idle: less the idle cluster's CPU over the run's seconds; other processes: the rest of the machine, not ours)");
        foreach (var c in costs.Where(c => !c.KeptUp))
        {
            output.WriteLine(F($" {c.Members} member(s) fell behind: {c.Writes.Elapsed.TotalSeconds:0.0} s for {c.Scheduled.TotalSeconds:0} s of writes; the cores were saturated, which can inflate CPU per write"));
        }
    }

    /// <summary>
    /// Paced writes for at least <c>CpuWarmUp</c>, then on in rounds of <see cref="JitRound"/> until no member's JIT
    /// compiled for more than <see cref="QuietJit"/> of a round (tiered compilation recompiles hot methods for a while
    /// after start; that is start-up cost, paid once per process, not cost per write), at most <see cref="MaxWarmUp"/>.
    /// </summary>
    private static async Task<(long Writes, TimeSpan Took, TimeSpan Jit)> WarmUpAsync(BenchCluster cluster, ApiClient[] apis, ConfigMapSet set, ClusterBenchOptions o, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var jitFrom = JitTimes(cluster);
        var first = await PacedWritesAsync(apis, set, o.WriteRate, o.CpuWarmUp, 0, ct);
        var writes = first.Count + first.Errors;
        var roundFrom = JitTimes(cluster);
        while (clock.Elapsed < MaxWarmUp)
        {
            var round = await PacedWritesAsync(apis, set, o.WriteRate, JitRound, writes, ct);
            writes += round.Count + round.Errors;
            var roundTo = JitTimes(cluster);
            if (roundTo.Zip(roundFrom, (a, b) => a - b).All(d => d <= QuietJit * JitRound.TotalSeconds))
            {
                break;
            }

            roundFrom = roundTo;
        }

        return (writes, clock.Elapsed, Sum(JitTimes(cluster)) - Sum(jitFrom));
    }

    private static TimeSpan[] JitTimes(BenchCluster cluster) => cluster.Pids.Select(pid => Api.ProcStats.ThreadCpuTime(pid, ".NET Tiered")).ToArray();

    /// <summary>
    /// Open-loop writes at <paramref name="perSecond"/>: write i goes to ConfigMap i mod count through member i mod members,
    /// with value <paramref name="firstValue"/> + i, so every patch changes its object.
    /// </summary>
    private static Task<LatencySummary> PacedWritesAsync(ApiClient[] apis, ConfigMapSet set, double perSecond, TimeSpan duration, long firstValue, CancellationToken ct) =>
        Load.PacedAsync(perSecond, duration, async op =>
            (await set.WriteAsync(apis[op % apis.Length], (int)(op % set.Count), firstValue + op, RequestTimeout, ct)).Error, ct);

    /// <summary>
    /// Waits until two seconds in a row used under <see cref="SettledCoresPerMember"/> per member (an idle member uses a
    /// fraction of that); null when that did not happen within <see cref="MaxSettle"/>.
    /// </summary>
    private static async Task<TimeSpan?> SettleAsync(BenchCluster cluster, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var quiet = 0;
        while (quiet < 2 && clock.Elapsed < MaxSettle)
        {
            var from = Sum(cluster.CpuTimes());
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            quiet = (Sum(cluster.CpuTimes()) - from).TotalSeconds < SettledCoresPerMember * cluster.Members.Count ? quiet + 1 : 0;
        }

        return quiet >= 2 ? clock.Elapsed : null;
    }

    public static TimeSpan Sum(IEnumerable<TimeSpan> times) => times.Aggregate(TimeSpan.Zero, (sum, t) => sum + t);
}

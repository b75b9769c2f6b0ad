using static Cluster.Bench.Api.Report;

namespace Cluster.Bench.MultiNode;

/// <summary>What the phases measured; a phase not run leaves its figure null.</summary>
internal sealed class ClusterResults
{
    public CpuCost? One { get; set; }

    public CpuCost? Three { get; set; }

    public CrossNodeWatch? Watch { get; set; }

    public Failover? Failover { get; set; }
}

/// <summary>The one table of the run's figures against their targets.</summary>
internal static class ClusterSummary
{
    private const double RatioTarget = 1.3, FailoverSecondsTarget = 15, WatchP99Target = 50;

    public static void Print(TextWriter output, ClusterResults r)
    {
        output.WriteLine(F($"== summary (this machine has {Environment.ProcessorCount} cores, shared by every member: the CPU figures measure cost, not scale-out) =="));
        Row(output, "measure", "figure", "target", "");
        if (r.One is { } one)
        {
            Row(output, "CPU per 1,000 writes, 1 member (all node processes)", F($"{one.SecondsPer1000:0.000} CPU-s"));
        }

        if (r.Three is { } three)
        {
            Row(output, "CPU per 1,000 writes, 3 members (all node processes)", F($"{three.SecondsPer1000:0.000} CPU-s"));
        }

        if (r is { One: { } a, Three: { } b })
        {
            var ratio = b.SecondsPer1000 / a.SecondsPer1000;
            Row(output, "  ratio three / one", F($"{ratio:0.00}x"), F($"<= {RatioTarget}x"), Verdict(ratio, RatioTarget));
        }

        if (r.Failover is { } f)
        {
            Row(output, F($"fail-over: all {f.Objects} ConfigMaps writable after SIGKILL"), FailoverPhase.Seconds(f.AllWritable), F($"< {FailoverSecondsTarget} s"),
                f.AllWritable is { } t ? Verdict(t.TotalSeconds, FailoverSecondsTarget) : "MISSED");
            Row(output, "  killed member unreachable / down / removed", string.Join(" / ", new[] { f.Unreachable, f.Downed, f.Removed }.Select(FailoverPhase.Seconds)));
            if (f is { Removed: { } removed, AllWritable: { } writable })
            {
                Row(output, "  from its removal until all were writable", FailoverPhase.Seconds(writable - removed));
            }

            Row(output, "  ConfigMaps that waited; writes failed or timed out", F($"{f.Stalled}; {f.Failed:N0} of {f.Acknowledged + f.Failed:N0}"));
        }

        if (r.Watch is { } w)
        {
            Row(output, F($"cross-node watch ({w.Few.Watchers} streams): event after 200, p50 / p99"), F($"{w.Few.AfterAck.P50Ms:0.0} / {w.Few.AfterAck.P99Ms:0.0} ms"),
                F($"p99 < {WatchP99Target} ms"), Verdict(w.Few.AfterAck.P99Ms, WatchP99Target));
            Row(output, "  event after the write's send, p50 / p99", F($"{w.Few.AfterSend.P50Ms:0.0} / {w.Few.AfterSend.P99Ms:0.0} ms"));
            Row(output, F($"  with {w.Many.Watchers} streams: event after 200, p50 / p99"), F($"{w.Many.AfterAck.P50Ms:0.0} / {w.Many.AfterAck.P99Ms:0.0} ms"));
            Row(output, F($"  CPU on {w.WatchMember} per event per stream"), F($"{w.DeliveryPerWatcher.TotalMicroseconds:0.0} µs"));
        }
    }

    private static void Row(TextWriter output, string measure, string figure, string target = "", string verdict = "") =>
        output.WriteLine(F($" {measure,-58}{figure,-26}{target,-14}{verdict}"));
}

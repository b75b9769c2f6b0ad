
namespace Cluster.Bench.Persistence;

/// <summary>The persistence benchmark's tables: writes beside etcd at the same concurrency, recovery, and the project plugin's targets.</summary>
internal static class PersistenceReport
{
    /// <summary>The project plugin on SQLite at 1,000 actors: events per second at least, write p99 at most; recovery events per second at least.</summary>
    private const double TargetEventsPerSecond = 20_000;
    private const double TargetP99Ms = 100;
    private const double TargetRecoveryPerSecond = 200_000;
    private const int TargetActors = 1000;

    public static void Print(TextWriter output, IReadOnlyList<JournalResult> results, EtcdMeasurement? etcd)
    {
        var etcdByWriters = etcd?.Results.ToDictionary(r => r.Concurrency) ?? [];
        output.WriteLine(etcd is null
            ? "etcd: not available, so no ratio"
            : $"etcd {etcd.Version}: gRPC puts of {EtcdLoad.ValueSize}-byte values, fsync on every commit, as many writers as actors");
        output.WriteLine();
        output.WriteLine("| journal | actors | events | events/s | write p50 | write p99 | × etcd |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            if (result.Failure is not null)
            {
                output.WriteLine($"| {result.Name} | failed: {result.Failure} | | | | | |");
                continue;
            }

            foreach (var write in result.Writes)
            {
                var ratio = etcdByWriters.TryGetValue(write.Actors, out var e) && e.OpsPerSecond > 0 ? $"{write.EventsPerSecond / e.OpsPerSecond:F1}x" : "-";
                output.WriteLine($"| {result.Name} | {write.Actors} | {Figures.Count(write.Events)} | {Figures.Count(write.EventsPerSecond)} | {Figures.Milliseconds(write.P50Ms)} | {Figures.Milliseconds(write.P99Ms)} | {ratio} |");
            }
        }

        foreach (var e in etcd?.Results ?? [])
        {
            var errors = e.Errors > 0 ? $" ({e.Errors} errors)" : "";
            output.WriteLine($"| etcd {etcd!.Version} | {e.Concurrency} | {Figures.Count(e.Puts)}{errors} | {Figures.Count(e.OpsPerSecond)} | {Figures.Milliseconds(e.P50Milliseconds)} | {Figures.Milliseconds(e.P99Milliseconds)} | 1.0x |");
        }

        output.WriteLine();
        output.WriteLine("| journal | actors recovering | events replayed | events/s |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var result in results.Where(r => r.Recovery is not null))
        {
            output.WriteLine($"| {result.Name} | {result.Recovery!.Actors} | {Figures.Count(result.Recovery.Events)} | {Figures.Count(result.Recovery.EventsPerSecond)} |");
        }

        output.WriteLine();
        PrintTargets(output, results.FirstOrDefault(r => r.Name == JournalUnderTest.ProjectSqlite));
    }

    private static void PrintTargets(TextWriter output, JournalResult? project)
    {
        output.WriteLine($"targets, {JournalUnderTest.ProjectSqlite} (the project plugin on SQLite):");
        var write = project?.Writes.FirstOrDefault(w => w.Actors == TargetActors);
        output.WriteLine(write is null
            ? $"  {Figures.Count(TargetActors)} actors: not measured"
            : $"  {Figures.Count(TargetActors)} actors: {Figures.Count(write.EventsPerSecond)} events/s (target ≥ {Figures.Count(TargetEventsPerSecond)}): {Verdict(write.EventsPerSecond >= TargetEventsPerSecond)}; "
                + $"write p99 {Figures.Milliseconds(write.P99Ms)} (target ≤ {Figures.Milliseconds(TargetP99Ms)}): {Verdict(write.P99Ms <= TargetP99Ms)}");
        var recovery = project?.Recovery;
        output.WriteLine(recovery is null
            ? "  recovery: not measured"
            : $"  recovery: {Figures.Count(recovery.EventsPerSecond)} events/s (target ≥ {Figures.Count(TargetRecoveryPerSecond)}): {Verdict(recovery.EventsPerSecond >= TargetRecoveryPerSecond)}");
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}

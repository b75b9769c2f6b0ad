using System.Globalization;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Bench.Persistence;

/// <summary>
/// Issue 3's benchmark: events persisted per second with 1, 100 and 1,000 persistent actors,
/// write latency p50/p99, and recovery rate, per journal. Prints figures; asserts nothing.
/// </summary>
public static class PersistenceBenchmark
{
    private sealed record Journal(string Name, Func<(IJournal Journal, ISnapshotStore Snapshots)> Open);

    public static Task<int> Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var journals = new List<Journal>
        {
            new("in-memory", () =>
            {
                var snapshots = new InMemorySnapshotStore();
                return (new InMemoryJournal(TimeProvider.System, snapshots), snapshots);
            }),
        };

        Console.WriteLine($"# persistence benchmark ({Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run)");
        Console.WriteLine();
        Console.WriteLine("| journal | actors | events | events/s | write p50 | write p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var journal in journals)
        {
            Warm(journal);
            foreach (var (actors, perActor) in Loads(quick))
            {
                var (events, snapshots) = journal.Open();
                events.InitializeAsync().GetAwaiter().GetResult();
                snapshots.InitializeAsync().GetAwaiter().GetResult();
                var result = PersistenceLoad.Write(events, snapshots, actors, perActor, $"w{actors}");
                Console.WriteLine($"| {journal.Name} | {actors} | {result.Events} | {Format(result.EventsPerSecond)} | {result.P50Ms:F2} ms | {result.P99Ms:F2} ms |");
                events.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        Console.WriteLine();
        Console.WriteLine("| journal | actors | events replayed | events/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var journal in journals)
        {
            var (events, snapshots) = journal.Open();
            events.InitializeAsync().GetAwaiter().GetResult();
            var result = PersistenceLoad.Recover(events, snapshots, 100, quick ? 1_000 : 5_000, "r");
            Console.WriteLine($"| {journal.Name} | {result.Actors} | {result.Events} | {Format(result.EventsPerSecond)} |");
            events.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return Task.FromResult(0);
    }

    /// <summary>One short write and recovery run first, so the figures show compiled code, not the JIT warming up.</summary>
    private static void Warm(Journal journal)
    {
        var (events, snapshots) = journal.Open();
        events.InitializeAsync().GetAwaiter().GetResult();
        snapshots.InitializeAsync().GetAwaiter().GetResult();
        PersistenceLoad.Write(events, snapshots, 100, 20, "warm-w");
        PersistenceLoad.Recover(events, snapshots, 20, 1_000, "warm-r");
        events.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static IEnumerable<(int Actors, int PerActor)> Loads(bool quick) =>
        quick ? [(1, 500), (100, 50), (1000, 10)] : [(1, 3_000), (100, 200), (1000, 40)];

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

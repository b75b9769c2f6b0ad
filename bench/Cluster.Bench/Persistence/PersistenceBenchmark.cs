using Akka.Actor;

namespace Cluster.Bench.Persistence;

/// <summary>
/// The persistence benchmark, in one run with durability on: Akka persistent actors (1, 100 and
/// 1,000, each persisting one event at a time) writing through the project's journal plugin and
/// through Akka.Persistence.Sql, each on SQLite and on PostgreSQL: events/s, write p50/p99 and
/// recovery rate; then the same puts at the same concurrency against a local etcd (gRPC, data on
/// the same disk), and the ratio. Each configuration runs in an actor system and a database of its
/// own, both removed after it. Prints figures; asserts nothing.
/// </summary>
public static class PersistenceBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var dataDirectory = Path.GetFullPath(CommandLine.Option(args, "--dir") ?? "bench-data");
        Directory.CreateDirectory(dataDirectory);
        using var postgres = PostgresForBenchmark.Start(CommandLine.Option(args, "--postgres"), Console.Out);
        var loads = Loads(quick);
        var recovery = quick ? new Load(100, 1_000) : new Load(100, 5_000);

        Console.WriteLine($"# persistence benchmark ({Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run, data in {dataDirectory})");
        Console.WriteLine($"before: {MachineLoad.Describe()}");
        Console.WriteLine($"writes: {string.Join(", ", loads.Select(l => $"{l.Actors} actor(s) × {l.PerActor}"))} events, one at a time per actor; "
            + $"recovery: {recovery.Actors} actors × {recovery.PerActor} events, all recovering at once");
        if (postgres?.ConnectionString is null)
        {
            Console.WriteLine("postgresql: none, so only SQLite is measured");
        }

        var results = new List<JournalResult>();
        foreach (var journal in JournalUnderTest.All(dataDirectory, postgres?.ConnectionString))
        {
            Console.WriteLine();
            Console.WriteLine($"{journal.Name} ({journal.Database.Description}; {journal.Settings})");
            results.Add(await MeasureAsync(journal, loads, recovery));
        }

        Console.WriteLine();
        var levels = loads.Select(l => (l.Actors, l.Actors * l.PerActor)).ToArray();
        var etcd = await EtcdBenchmark.MeasureAsync(levels, TimeSpan.FromSeconds(quick ? 3 : 10), Console.Out, dataDirectory, EtcdTransport.Grpc);
        Console.WriteLine($"after: {MachineLoad.Describe()}");
        Console.WriteLine();
        PersistenceReport.Print(Console.Out, results, etcd);
        return 0;
    }

    /// <summary>Warm-up, the write loads and the recovery run of one configuration; a failure is reported in its place.</summary>
    private static async Task<JournalResult> MeasureAsync(JournalUnderTest journal, IReadOnlyList<Load> loads, Load recovery)
    {
        try
        {
            await journal.Database.CreateAsync();
            return await ActorSystems.RunAsync("bench-persistence", journal.Config.WithFallback(BenchEventSerializer.Binding), async system =>
            {
                await WarmUpAsync(system);
                var writes = new List<PersistenceLoad.WriteResult>();
                foreach (var load in loads)
                {
                    var write = await PersistenceLoad.WriteAsync(system, load.Actors, load.PerActor, $"w{load.Actors}");
                    Console.WriteLine($"  {load.Actors,5} actor(s): {Figures.Count(write.EventsPerSecond)} events/s, write p50 {write.P50Ms:F2} ms, p99 {write.P99Ms:F2} ms");
                    writes.Add(write);
                }

                var recovered = await PersistenceLoad.RecoverAsync(system, recovery.Actors, recovery.PerActor, "r");
                Console.WriteLine($"  recovery: {Figures.Count(recovered.Events)} events by {recovered.Actors} actors, {Figures.Count(recovered.EventsPerSecond)} events/s");
                return new JournalResult(journal.Name, writes, recovered, null);
            });
        }
        catch (Exception e)
        {
            Console.WriteLine($"  failed: {e.GetType().Name}: {e.Message}");
            return new JournalResult(journal.Name, [], null, e.Message);
        }
        finally
        {
            await journal.Database.DropAsync();
        }
    }

    /// <summary>One short write and recovery run first, so the figures show compiled code and open connections, not start-up.</summary>
    private static async Task WarmUpAsync(ActorSystem system)
    {
        await PersistenceLoad.WriteAsync(system, 100, 20, "warm-w");
        await PersistenceLoad.RecoverAsync(system, 20, 200, "warm-r");
    }

    private static Load[] Loads(bool quick) =>
        quick ? [new(1, 500), new(100, 50), new(1000, 10)] : [new(1, 2_000), new(100, 200), new(1000, 40)];
    private sealed record Load(int Actors, int PerActor);
}

/// <summary>What one configuration measured, or why it could not.</summary>
internal sealed record JournalResult(string Name, IReadOnlyList<PersistenceLoad.WriteResult> Writes, PersistenceLoad.RecoveryResult? Recovery, string? Failure);

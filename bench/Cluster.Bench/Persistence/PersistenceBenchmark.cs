using System.Diagnostics;
using System.Globalization;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Postgres;
using Cluster.Core.Persistence.Sql.Sqlite;

namespace Cluster.Bench.Persistence;

/// <summary>
/// Issue 3's benchmark, in one run with durability on: events persisted per second with 1, 100
/// and 1,000 persistent actors (each persisting one event at a time), write latency p50/p99 and
/// recovery rate, for SQLite and PostgreSQL (and in-memory as the ceiling of the actor side);
/// then the same puts at the same concurrency against a local etcd 3.4 (gRPC, data on the same
/// disk), and the ratio. Prints figures; asserts nothing.
/// </summary>
public static class PersistenceBenchmark
{
    private sealed record Store(string Name, Func<int, (IJournal Journal, ISnapshotStore Snapshots)> Open);

    public static async Task<int> Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var dataDirectory = Path.GetFullPath(Argument(args, "--dir") ?? "bench-data");
        Directory.CreateDirectory(dataDirectory);
        using var postgres = PostgresForBenchmark.Start(Argument(args, "--postgres"), Console.Out);

        var stores = new List<Store>
        {
            new("in-memory", _ =>
            {
                var snapshots = new InMemorySnapshotStore();
                return (new InMemoryJournal(TimeProvider.System, snapshots), snapshots);
            }),
            new("sqlite", run =>
            {
                var file = Path.Combine(dataDirectory, $"journal-{Environment.ProcessId}-{run}.db");
                return (new SqliteJournal(file), new SqliteSnapshotStore(file));
            }),
        };
        if (postgres?.ConnectionString is { } connection)
        {
            var schema = $"bench_{Environment.ProcessId}";
            stores.Add(new("postgresql", run => (new PostgresJournal(connection, $"{schema}_{run}"), new PostgresSnapshotStore(connection, $"{schema}_{run}"))));
        }

        Console.WriteLine($"# persistence benchmark ({Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run, data in {dataDirectory})");
        Console.WriteLine();
        Console.WriteLine("| journal | actors | events | events/s | write p50 | write p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var writeRates = new Dictionary<(string, int), double>();
        var run = 0;
        foreach (var store in stores)
        {
            await Warm(store, ++run);
            foreach (var (actors, perActor) in Loads(quick))
            {
                var (events, snapshots) = await OpenAsync(store, ++run);
                var result = PersistenceLoad.Write(events, snapshots, actors, perActor, $"w{actors}");
                writeRates[(store.Name, actors)] = result.EventsPerSecond;
                Console.WriteLine($"| {store.Name} | {actors} | {result.Events} | {Format(result.EventsPerSecond)} | {result.P50Ms:F2} ms | {result.P99Ms:F2} ms |");
                await CloseAsync(events, snapshots);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| journal | actors | events replayed | events/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var store in stores)
        {
            var (events, snapshots) = await OpenAsync(store, ++run);
            var result = PersistenceLoad.Recover(events, snapshots, 100, quick ? 1_000 : 5_000, "r");
            Console.WriteLine($"| {store.Name} | {result.Actors} | {result.Events} | {Format(result.EventsPerSecond)} |");
            await CloseAsync(events, snapshots);
        }

        Console.WriteLine();
        var levels = Loads(quick).Select(l => (l.Actors, l.Actors * l.PerActor)).ToArray();
        var etcd = await EtcdBenchmark.MeasureAsync(levels, TimeSpan.FromSeconds(quick ? 3 : 10), Console.Out, dataDirectory, EtcdTransport.Grpc);
        if (etcd is null)
        {
            Console.WriteLine("etcd: not available, no ratio");
            return 0;
        }

        Console.WriteLine($"etcd {etcd.Version} (gRPC, fsync on every commit), same concurrency, same 200-byte values:");
        Console.WriteLine();
        Console.WriteLine("| writers | etcd puts/s | etcd p50 | etcd p99 | " + string.Join(" | ", stores.Skip(1).Select(s => $"{s.Name} / etcd")) + " |");
        Console.WriteLine("|---:|---:|---:|---:|" + string.Concat(stores.Skip(1).Select(_ => "---:|")));
        foreach (var result in etcd.Results)
        {
            var ratios = stores.Skip(1).Select(s => writeRates.TryGetValue((s.Name, result.Concurrency), out var rate) ? $"{rate / result.OpsPerSecond:F1}x" : "-");
            Console.WriteLine($"| {result.Concurrency} | {Format(result.OpsPerSecond)} | {result.P50Milliseconds:F2} ms | {result.P99Milliseconds:F2} ms | {string.Join(" | ", ratios)} |");
        }

        return 0;
    }

    /// <summary>One short write and recovery run first, so the figures show compiled code, not the JIT warming up.</summary>
    private static async Task Warm(Store store, int run)
    {
        var (events, snapshots) = await OpenAsync(store, run);
        PersistenceLoad.Write(events, snapshots, 100, 20, "warm-w");
        PersistenceLoad.Recover(events, snapshots, 20, 1_000, "warm-r");
        await CloseAsync(events, snapshots);
    }

    private static async Task<(IJournal, ISnapshotStore)> OpenAsync(Store store, int run)
    {
        var (events, snapshots) = store.Open(run);
        await events.InitializeAsync();
        await snapshots.InitializeAsync();
        return (events, snapshots);
    }

    private static async Task CloseAsync(IJournal events, ISnapshotStore snapshots)
    {
        await events.DisposeAsync();
        await snapshots.DisposeAsync();
    }

    private static IEnumerable<(int Actors, int PerActor)> Loads(bool quick) =>
        quick ? [(1, 500), (100, 50), (1000, 10)] : [(1, 2_000), (100, 200), (1000, 40)];

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>
/// The PostgreSQL the benchmark uses: the one named by --postgres or CLUSTER_TEST_POSTGRES, or a
/// throwaway server started with scripts/postgres.sh on its own port and stopped afterwards.
/// </summary>
internal sealed class PostgresForBenchmark : IDisposable
{
    private const string Port = "54349";
    private readonly string? _script;

    private PostgresForBenchmark(string? connectionString, string? script)
    {
        ConnectionString = connectionString;
        _script = script;
    }

    public string? ConnectionString { get; }

    public static PostgresForBenchmark? Start(string? given, TextWriter log)
    {
        given ??= Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(given))
        {
            return new PostgresForBenchmark(given, null);
        }

        var script = FindScript();
        if (script is null)
        {
            log.WriteLine("postgresql: scripts/postgres.sh not found; PostgreSQL is left out");
            return null;
        }

        var (code, output) = RunScript(script, "start");
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("CLUSTER_TEST_POSTGRES=", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            log.WriteLine($"postgresql: could not start a server (exit {code}); PostgreSQL is left out. {output.Trim()}");
            return null;
        }

        return new PostgresForBenchmark(line["CLUSTER_TEST_POSTGRES=".Length..].Trim(), script);
    }

    public void Dispose()
    {
        if (_script is not null)
        {
            RunScript(_script, "destroy");
        }
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "postgres.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static (int Code, string Output) RunScript(string script, string command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(command);
        info.Environment["PG_PORT"] = Port;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

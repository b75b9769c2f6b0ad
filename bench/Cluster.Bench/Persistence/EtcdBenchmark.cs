using System.Globalization;
using static Cluster.Bench.CommandLine;

namespace Cluster.Bench.Persistence;

/// <summary>etcd's version and one <see cref="LoadResult"/> per concurrency level.</summary>
public sealed record EtcdMeasurement(string Version, IReadOnlyList<LoadResult> Results);

/// <summary>
/// Durable put rate of a local etcd at 1, 100 and 1,000 concurrent writers, the yardstick for the journal.
/// Usage: etcd [--quick] [--seconds N] [--dir PATH] [--grpc]. --dir is the data directory's parent (default the
/// current directory); --grpc puts over native gRPC instead of the JSON gateway.
/// </summary>
public static class EtcdBenchmark
{
    /// <summary>Concurrency and put count of each level; each level also stops after the time cap.</summary>
    public static readonly IReadOnlyList<(int Concurrency, int Puts)> DefaultLevels = [(1, 2_000), (100, 20_000), (1_000, 40_000)];

    public static async Task<int> Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var seconds = double.TryParse(Option(args, "--seconds"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : quick ? 3 : 10;
        var transport = args.Contains("--grpc") ? EtcdTransport.Grpc : EtcdTransport.JsonGateway;
        var levels = quick ? DefaultLevels.Select(l => (l.Concurrency, l.Puts / 10)).ToList() : DefaultLevels;

        using var cancel = CancelOnCtrlC(); // so etcd is stopped and its directory removed

        var measurement = await MeasureAsync(levels, TimeSpan.FromSeconds(seconds), Console.Out, Option(args, "--dir"), transport, cancel.Token);
        if (measurement is null)
        {
            return 1;
        }

        PrintTable(Console.Out, measurement.Results);
        return measurement.Results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    /// <summary>
    /// Installs etcd if needed, starts it with its data directory under <paramref name="dataParentDirectory"/>,
    /// runs each level in turn against it and stops it. Returns null, after saying why on <paramref name="log"/>,
    /// when etcd is not available.
    /// </summary>
    public static async Task<EtcdMeasurement?> MeasureAsync(
        IReadOnlyList<(int Concurrency, int Puts)> levels, TimeSpan maxDurationPerLevel, TextWriter log,
        string? dataParentDirectory = null, EtcdTransport transport = EtcdTransport.JsonGateway,
        CancellationToken cancellationToken = default)
    {
        if (!EtcdServer.TryEnsureInstalled(log))
        {
            return null;
        }

        await using var server = await EtcdServer.StartAsync(dataParentDirectory, cancellationToken: cancellationToken);
        log.WriteLine($"etcd {server.Version} on {server.ClientUrl}, data in {server.DataDirectory} (fsync on every commit)");
        using var load = await EtcdLoad.ConnectAsync(server.ClientUrl, levels.Max(l => l.Concurrency), transport, cancellationToken);
        log.WriteLine($"puts over {(transport == EtcdTransport.Grpc ? "native gRPC (HTTP/2)" : $"the JSON gateway ({load.ApiPrefix}/kv/put, HTTP/1.1)")}");
        var results = new List<LoadResult>();
        foreach (var (concurrency, puts) in levels)
        {
            results.Add(await load.RunAsync(concurrency, puts, maxDurationPerLevel, cancellationToken));
        }

        return new EtcdMeasurement(server.Version, results);
    }

    public static void PrintTable(TextWriter output, IReadOnlyList<LoadResult> results)
    {
        output.WriteLine($"etcd puts ({EtcdLoad.ValueSize}-byte values, distinct keys, sequential per writer)");
        output.WriteLine(" writers      puts   seconds      puts/s   p50 ms   p99 ms  errors");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Concurrency,8}{r.Puts,10}{r.Elapsed.TotalSeconds,10:0.00}{r.OpsPerSecond,12:0}{r.P50Milliseconds,9:0.00}{r.P99Milliseconds,9:0.00}{r.Errors,8}"));
            if (r.FirstError is not null)
            {
                output.WriteLine($"         first error: {r.FirstError}");
            }
        }
    }}

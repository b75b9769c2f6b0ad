using System.Diagnostics;
using System.Globalization;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Bench.Hocon;

/// <summary>
/// Parse-and-resolve time of Akka's full reference configuration (from the conformance vectors)
/// and of the project's hocon/reference.conf. Target: at most 5 ms each.
/// Usage: hocon [iterations] (default 2000, after 200 warm-up runs).
/// </summary>
public static class HoconBenchmark
{
    private const double TargetMilliseconds = 5.0;

    public static int Run(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 2000;
        var warmUp = Math.Max(20, iterations / 10);
        var root = FindRepositoryRoot();
        (string Name, string Path)[] files =
        [
            ("akkadotnet/reference.conf", Path.Combine(root, "..", "shared", "hocon-conformance", "akkadotnet", "reference.conf")),
            ("hocon/reference.conf", Path.Combine(root, "hocon", "reference.conf")),
        ];

        var allWithinTarget = true;
        Console.WriteLine($"HOCON parse+resolve, {warmUp} warm-up then {iterations} timed iterations per file");
        foreach (var (name, path) in files)
        {
            var text = File.ReadAllText(Path.GetFullPath(path));
            var options = new HoconParseOptions { SourceName = name, BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) };
            var keys = 0;
            for (var i = 0; i < warmUp; i++)
            {
                keys = HoconConfig.Parse(text, options).Root.Count;
            }

            var samples = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                var start = Stopwatch.GetTimestamp();
                HoconConfig.Parse(text, options);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(samples);
            var mean = samples.Average();
            var p50 = Percentile(samples, 0.50);
            var p99 = Percentile(samples, 0.99);
            allWithinTarget &= p99 <= TargetMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-28} {text.Length,7} chars, {keys} root keys: mean {mean:F3} ms, p50 {p50:F3} ms, p99 {p99:F3} ms "
                + $"(target <= {TargetMilliseconds} ms: {(p99 <= TargetMilliseconds ? "met" : "MISSED")})"));
        }

        return allWithinTarget ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Actors.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Globalization;
using static Cluster.Bench.CommandLine;

namespace Cluster.Bench.Api;

/// <summary>Sizes and rates of the API benchmark; <c>--quick</c> shrinks them all for a smoke run.</summary>
public sealed record ApiBenchOptions
{
    public bool Quick { get; init; }

    public int Clients { get; init; } = 64;

    /// <summary>Unmeasured load before the timed phases (<c>--warm-up SECONDS</c>): until tiered JIT compilation settles, a fresh node runs slower.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Length of each closed-loop run (create, update, get).</summary>
    public TimeSpan PhaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    public double WriteRate { get; init; } = 2_000;

    public double ReadRate { get; init; } = 2_000;

    public TimeSpan PacedDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Paced reads ask for resourceVersion=0 (served from the cache without waiting for it to catch up with the journal); a diagnostic.</summary>
    public bool StaleReads { get; init; }

    public int ListPods { get; init; } = 150_000;

    public int PageSize { get; init; } = 500;

    public IReadOnlyList<int> WatcherLevels { get; init; } = [1_000, 5_000];

    public int WatchRounds { get; init; } = 20;

    public TimeSpan WatchGap { get; init; } = TimeSpan.FromMilliseconds(250);

    public int Seed { get; init; } = 42;

    /// <summary>Extra environment for the node only (--node-env K=V, repeatable), e.g. DOTNET_gcServer=1 for GC experiments.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Parent of the node's data directory (same disk as the journal would be on).</summary>
    public string DataParent { get; init; } = Path.GetTempPath();

    /// <summary>Phases to run, in this order: list, rw, watch.</summary>
    public IReadOnlySet<string> Phases { get; init; } = new HashSet<string> { "list", "rw", "watch" };

    public static ApiBenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var o = quick
            ? new ApiBenchOptions
            {
                Quick = true,
                WarmUp = TimeSpan.FromSeconds(1),
                PhaseDuration = TimeSpan.FromSeconds(2),
                PacedDuration = TimeSpan.FromSeconds(3),
                ListPods = 5_000,
                WatcherLevels = [100, 200],
                WatchRounds = 5,
                WatchGap = TimeSpan.FromMilliseconds(100),
            }
            : new ApiBenchOptions();
        return o with
        {
            Seed = Int(args, "--seed") ?? o.Seed,
            ListPods = Int(args, "--pods") ?? o.ListPods,
            WriteRate = Int(args, "--write-rate") ?? o.WriteRate,
            ReadRate = Int(args, "--read-rate") ?? o.ReadRate,
            PacedDuration = Int(args, "--paced-seconds") is { } p ? TimeSpan.FromSeconds(p) : o.PacedDuration,
            StaleReads = args.Contains("--stale-reads"),
            PhaseDuration = Int(args, "--seconds") is { } s ? TimeSpan.FromSeconds(s) : o.PhaseDuration,
            WarmUp = Int(args, "--warm-up") is { } w ? TimeSpan.FromSeconds(w) : o.WarmUp,
            WatcherLevels = Option(args, "--watchers")?.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray() ?? o.WatcherLevels,
            DataParent = Option(args, "--dir") ?? o.DataParent,
            NodeEnvironment = args.Select((a, i) => (a, i)).Where(p => p.a == "--node-env" && p.i + 1 < args.Length)
                .Select(p => args[p.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""),
            Phases = Option(args, "--phases")?.Split(',').ToHashSet() ?? o.Phases,
        };
    }

    public const string Usage = "api [--quick] [--phases list,rw,watch] [--pods N] [--watchers 1000,5000] [--write-rate N] [--read-rate N] [--warm-up S] [--seconds N] [--paced-seconds N] [--stale-reads] [--seed N] [--dir PATH] [--node-env K=V]...";
}

using static Cluster.Bench.CommandLine;

namespace Cluster.Bench.MultiNode;

/// <summary>Sizes, rates and phases of the cluster benchmark; <c>--quick</c> shortens every phase for a smoke run.</summary>
public sealed record ClusterBenchOptions
{
    public const string Usage = "cluster [--quick] [--postgres CONNECTION] [--phases cpu,watch,failover] [--write-rate N] [--seconds N] [--watch-writes N] [--dir PATH]";

    public bool Quick { get; init; }

    /// <summary>The PostgreSQL server every member's journal uses; null: CLUSTER_TEST_POSTGRES, else a throwaway one.</summary>
    public string? Postgres { get; init; }

    /// <summary>Parent of the members' data directories.</summary>
    public string DataParent { get; init; } = Path.GetTempPath();

    /// <summary>Phases to run: cpu (one member, then three), watch and failover (three members; failover last, it kills one).</summary>
    public IReadOnlySet<string> Phases { get; init; } = new HashSet<string> { "cpu", "watch", "failover" };

    /// <summary>Merge-PATCH writes per second of the CPU phase, spread round-robin over the members' APIs.</summary>
    public double WriteRate { get; init; } = 500;

    public TimeSpan CpuDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Paced writes before the measured ones, so compiled code, warm caches and started entities are measured, not start-up.</summary>
    public TimeSpan CpuWarmUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the cluster's CPU is sampled with no load (gossip, heartbeats, the journal feed's polling).</summary>
    public TimeSpan IdleSample { get; init; } = TimeSpan.FromSeconds(3);

    public int CpuObjects { get; init; } = 200;

    public int FailoverObjects { get; init; } = 24;

    /// <summary>The fail-over writers' client timeout: a request stuck on the dead member is retried instead of waited for.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Each fail-over writer's period: steady load (24 objects: 240 writes/s) that leaves the machine room to fail over.</summary>
    public TimeSpan FailoverWriteInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan SteadyBeforeKill { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Give up on fail-over after this long.</summary>
    public TimeSpan FailoverLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Watch streams whose events are timed (on member 2).</summary>
    public int Watchers { get; init; } = 4;

    /// <summary>Streams added for a second run, to tell the cost of delivering one event to one watcher from the rest.</summary>
    public int ExtraWatchers { get; init; } = 400;

    /// <summary>Writes through member 1 in each watch run.</summary>
    public int WatchWrites { get; init; } = 1_000;

    public double WatchRate { get; init; } = 50;

    public int WatchObjects { get; init; } = 24;

    public static ClusterBenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var o = quick
            ? new ClusterBenchOptions
            {
                Quick = true,
                CpuDuration = TimeSpan.FromSeconds(5),
                CpuWarmUp = TimeSpan.FromSeconds(2),
                IdleSample = TimeSpan.FromSeconds(2),
                SteadyBeforeKill = TimeSpan.FromSeconds(3),
                ExtraWatchers = 100,
                WatchWrites = 200,
            }
            : new ClusterBenchOptions();
        return o with
        {
            Postgres = Option(args, "--postgres"),
            DataParent = Option(args, "--dir") ?? o.DataParent,
            Phases = Option(args, "--phases")?.Split(',').ToHashSet() ?? o.Phases,
            WriteRate = Int(args, "--write-rate") ?? o.WriteRate,
            CpuDuration = Seconds(args, "--seconds") ?? o.CpuDuration,
            WatchWrites = Int(args, "--watch-writes") ?? o.WatchWrites,
        };
    }
}

using Akka.Actor;

namespace Cluster.Bench.Actors;

/// <summary>
/// Akka.NET's figures on this machine, with Akka's standard actors and default dispatcher: tell
/// throughput, ask round trips, spawn and stop rates and memory per idle actor, printed beside the
/// home-grown runtime's last recorded figures. Prints figures; asserts nothing.
/// </summary>
public static class ActorBenchmark
{
    private static readonly int[] PairCounts = [1, 8, 64];
    private static readonly int[] AskCallers = [1, 16];

    private sealed record Row(string Figure, string Measured, string Recorded);

    public static async Task<int> Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var plan = BenchPlan.For(quick);
        var akka = typeof(ActorSystem).Assembly.GetName().Version?.ToString(3);
        Console.WriteLine($"# actor benchmark: Akka.NET {akka} ({Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run: "
            + $"{plan.WarmUp.TotalSeconds:0.#} s warm-up, then the median of {plan.Runs} run(s) of {plan.Measure.TotalSeconds:0.#} s per figure)");
        Console.WriteLine($"before: {MachineLoad.Describe()}");

        var rows = new List<Row>();
        rows.AddRange(await ActorSystems.RunAsync("bench-tell", null, system => Tell(system, plan)));
        rows.AddRange(await ActorSystems.RunAsync("bench-ask", null, system => Ask(system, plan)));
        rows.AddRange(await ActorSystems.RunAsync("bench-lifecycle", null, system => SpawnAndStop(system, plan, quick ? 200_000 : 1_000_000)));
        rows.Add(await ActorSystems.RunAsync("bench-memory", null, system => Memory(system, quick ? 20_000 : 100_000)));

        Console.WriteLine($"after: {MachineLoad.Describe()}");
        Console.WriteLine();
        Console.WriteLine($"| figure | Akka.NET {akka}, measured now | {HomeGrownRecord.Label} (recorded) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Figure} | {row.Measured} | {row.Recorded} |");
        }

        Console.WriteLine();
        Console.WriteLine("The right-hand column is a record of a runtime that no longer exists, not a measurement of this run; its spawn figure was recorded as one range.");
        return 0;
    }

    private static async Task<IEnumerable<Row>> Tell(ActorSystem system, BenchPlan plan)
    {
        var dispatcher = system.Settings.Config.GetConfig("akka.actor.default-dispatcher");
        Console.WriteLine($"default dispatcher: executor {dispatcher.GetString("executor")}, throughput {dispatcher.GetInt("throughput")}; {PingPong.Window} balls in flight per pair");
        var rows = new List<Row>();
        foreach (var pairs in PairCounts)
        {
            var rate = await plan.MedianAsync(d => PingPong.MeasureAsync(system, pairs, d));
            rows.Add(new($"tell, {pairs} ping-pong pair(s)", $"{Figures.Millions(rate)} M msg/s", $"{Figures.Millions(HomeGrownRecord.TellPerSecond[pairs])} M msg/s"));
        }

        return rows;
    }

    private static async Task<IEnumerable<Row>> Ask(ActorSystem system, BenchPlan plan)
    {
        var rows = new List<Row>();
        foreach (var callers in AskCallers)
        {
            var ask = await plan.MedianAsync(d => AskRoundTrips.MeasureAsync(system, callers, d), r => r.PerSecond);
            rows.Add(new(
                $"ask round trips, {callers} concurrent caller(s)",
                $"{Figures.Count(ask.PerSecond)}/s (p50 {ask.P50Microseconds:F1} us, p99 {ask.P99Microseconds:F1} us)",
                "not recorded"));
        }

        return rows;
    }

    private static async Task<IEnumerable<Row>> SpawnAndStop(ActorSystem system, BenchPlan plan, int bulkCount)
    {
        var spawns = $"{Figures.Millions(HomeGrownRecord.SpawnsPerSecondLow)}–{Figures.Millions(HomeGrownRecord.SpawnsPerSecondHigh)} M spawns/s";
        var churn = await plan.MedianAsync(d => Lifecycle.ChurnAsync(system, d));
        var (spawn, stop) = await Lifecycle.BulkAsync(system, bulkCount);
        return
        [
            new($"spawn+stop churn (waves of {Figures.Count(Lifecycle.WaveSize)}, whole lifecycle)", $"{Figures.Count(churn)} actors/s", spawns),
            new($"bulk: {Figures.Count(bulkCount)} spawned and started, all alive", $"{Figures.Count(spawn)} actors/s", spawns),
            new($"bulk: the same {Figures.Count(bulkCount)} stopped", $"{Figures.Count(stop)} actors/s", "not recorded"),
        ];
    }

    private static async Task<Row> Memory(ActorSystem system, int count)
    {
        var (fresh, afterOne) = await IdleMemory.MeasureAsync(system, count);
        return new($"memory per idle actor ({Figures.Count(count)} alive)", $"{fresh:F0} bytes fresh, {afterOne:F0} after one message", "not recorded");
    }
}

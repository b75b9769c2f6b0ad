using System.Globalization;

namespace Cluster.Bench.Actors;

/// <summary>
/// The actor runtime's benchmark (issue targets: ≥ 20 M msg/s with 8 pairs, ≥ 0.5 of the
/// baseline, ≥ 1 M spawns/s, &lt; 1 KB per idle actor). Prints figures; asserts nothing.
/// </summary>
public static class ActorBenchmark
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var messages = quick ? 2_000_000L : 20_000_000L;
        const int window = 200;
        Console.WriteLine($"# actor runtime benchmark ({Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run)");
        Console.WriteLine();
        Console.WriteLine("tell throughput, ping-pong pairs (messages/s, both directions):");
        Console.WriteLine("| pairs | runtime | baseline (ConcurrentQueue + thread pool) | ratio |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (var pairs in new[] { 1, 8, 64 })
        {
            var perPair = messages / pairs;
            PingPong.Run(pairs, Math.Min(perPair, 200_000), window);
            BaselinePingPong.Run(pairs, Math.Min(perPair, 200_000), window);
            var runtime = Best(3, () => PingPong.Run(pairs, perPair, window));
            var baseline = Best(3, () => BaselinePingPong.Run(pairs, perPair, window));
            Console.WriteLine($"| {pairs} | {Millions(runtime)} M | {Millions(baseline)} M | {runtime / baseline:F2} |");
        }

        Console.WriteLine();
        foreach (var callers in new[] { 1, 16 })
        {
            var (rate, p50, p99) = AskAndLifecycle.Ask(callers, quick ? 20_000 : 100_000 / callers * (callers == 1 ? 2 : 1));
            Console.WriteLine($"ask round trip, {callers} concurrent caller(s): {rate.ToString("N0", CultureInfo.InvariantCulture)} asks/s, p50 {p50:F1} us, p99 {p99:F1} us");
        }

        Console.WriteLine();
        var spawnCount = quick ? 200_000 : 1_000_000;
        AskAndLifecycle.Churn(100_000, 10_000);
        var churn = AskAndLifecycle.Churn(spawnCount, 10_000);
        Console.WriteLine($"spawn+stop churn (waves of 10,000 spawned, started, stopped): {churn.ToString("N0", CultureInfo.InvariantCulture)} actors/s through their whole lifecycle");
        var (spawn, stop) = AskAndLifecycle.SpawnAndStop(spawnCount);
        Console.WriteLine($"bulk: {spawnCount.ToString("N0", CultureInfo.InvariantCulture)} actors alive at once: spawned and started {spawn.ToString("N0", CultureInfo.InvariantCulture)}/s, stopped {stop.ToString("N0", CultureInfo.InvariantCulture)}/s");

        var (fresh, afterOne) = AskAndLifecycle.MemoryPerIdleActor(quick ? 20_000 : 100_000);
        Console.WriteLine($"memory per idle actor: {fresh:F0} bytes fresh, {afterOne:F0} bytes after processing one message");
        return 0;
    }

    private static double Best(int runs, Func<double> measure)
    {
        var best = 0.0;
        for (var i = 0; i < runs; i++)
        {
            best = Math.Max(best, measure());
        }

        return best;
    }

    private static string Millions(double perSecond) => (perSecond / 1e6).ToString("F1", CultureInfo.InvariantCulture);
}

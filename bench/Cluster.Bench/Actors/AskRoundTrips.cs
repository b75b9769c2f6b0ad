using System.Diagnostics;
using Akka.Actor;

namespace Cluster.Bench.Actors;

/// <summary>Ask round trips against an echo actor: each caller asks, awaits the answer, and asks again until the time is up.</summary>
internal static class AskRoundTrips
{
    public sealed record Result(int Callers, long Asks, double PerSecond, double P50Microseconds, double P99Microseconds);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m, Self));
    }

    public static async Task<Result> MeasureAsync(ActorSystem system, int callers, TimeSpan duration)
    {
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        var clock = Stopwatch.StartNew();
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await echo.Ask<int>(latencies.Count, AskTimeout);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }

            return latencies;
        })));
        var elapsed = clock.Elapsed;
        system.Stop(echo);
        var all = perCaller.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Result(callers, all.Length, all.Length / elapsed.TotalSeconds, Percentiles.Of(all, 0.50), Percentiles.Of(all, 0.99));
    }
}

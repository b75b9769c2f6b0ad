using System.Diagnostics;
using Akka.Actor;

namespace Cluster.Bench.Actors;

/// <summary>Spawn and stop rates: an actor counts only once its PreStart (spawned) or PostStop (stopped) has run.</summary>
internal static class Lifecycle
{
    /// <summary>Actors spawned, started, stopped and gone per wave of the churn figure.</summary>
    public const int WaveSize = 10_000;

    private sealed class Counted : ReceiveActor
    {
        private readonly Countdown _started;
        private readonly Countdown _stopped;

        public Counted(Countdown started, Countdown stopped)
        {
            _started = started;
            _stopped = stopped;
            ReceiveAny(_ => { });
        }

        protected override void PreStart() => _started.Signal();

        protected override void PostStop() => _stopped.Signal();
    }

    /// <summary>
    /// Churn: waves of <see cref="WaveSize"/> actors spawned, started, stopped and gone, until
    /// <paramref name="duration"/> has passed; actors per second through their whole lifecycle.
    /// </summary>
    public static async Task<double> ChurnAsync(ActorSystem system, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long actors = 0;
        while (clock.Elapsed < duration)
        {
            await WaveAsync(system, WaveSize);
            actors += WaveSize;
        }

        return actors / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Bulk: <paramref name="count"/> actors spawned that all stay alive (rate until every PreStart
    /// ran), then all stopped (rate until every PostStop ran). The heap grows to hold them, so this
    /// includes the garbage collector promoting every actor.
    /// </summary>
    public static async Task<(double SpawnPerSecond, double StopPerSecond)> BulkAsync(ActorSystem system, int count)
    {
        var (spawn, stop) = await WaveAsync(system, count);
        return (count / spawn.TotalSeconds, count / stop.TotalSeconds);
    }

    private static async Task<(TimeSpan Spawn, TimeSpan Stop)> WaveAsync(ActorSystem system, int count)
    {
        var started = new Countdown(count);
        var stopped = new Countdown(count);
        var props = Props.Create(() => new Counted(started, stopped));
        var actors = new IActorRef[count];
        var spawn = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            actors[i] = system.ActorOf(props);
        }

        await started.Reached;
        var spawnTime = spawn.Elapsed;
        var stop = Stopwatch.StartNew();
        foreach (var actor in actors)
        {
            system.Stop(actor);
        }

        await stopped.Reached;
        return (spawnTime, stop.Elapsed);
    }
}

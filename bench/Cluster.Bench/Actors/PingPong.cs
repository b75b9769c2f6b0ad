using System.Diagnostics;
using Akka.Actor;

namespace Cluster.Bench.Actors;

/// <summary>
/// Tell throughput: ping-pong pairs of Akka <see cref="ReceiveActor"/>s. Each pinger keeps a
/// window of balls in flight to its ponger, which sends each one straight back, until the run's
/// time is up; then the pingers stop returning balls and report once their window has come home,
/// so every counted message was delivered and the clock stops only when the last pair is quiet.
/// </summary>
internal static class PingPong
{
    /// <summary>Balls in flight per pair, as in the home-grown runtime's benchmark, so the figures are comparable.</summary>
    public const int Window = 200;

    private sealed record Start(IActorRef Partner);

    private sealed class Ball
    {
        public static readonly Ball Instance = new();
    }

    /// <summary>Shared by the pairs of one run: the stop signal and the count of balls that came home.</summary>
    private sealed class Run(int pairs)
    {
        private readonly Countdown _quiet = new(pairs);
        private long _roundTrips;
        private volatile bool _stopping;

        public bool Stopping => _stopping;

        public long RoundTrips => Interlocked.Read(ref _roundTrips);

        public void Stop() => _stopping = true;

        public void Report(long roundTrips)
        {
            Interlocked.Add(ref _roundTrips, roundTrips);
            _quiet.Signal();
        }

        public Task Quiet => _quiet.Reached;
    }

    private sealed class Ponger : ReceiveActor
    {
        public Ponger() => Receive<Ball>(b => Sender.Tell(b, Self));
    }

    private sealed class Pinger : ReceiveActor
    {
        private int _inFlight;
        private long _roundTrips;

        public Pinger(Run run)
        {
            Receive<Start>(s =>
            {
                _inFlight = Window;
                for (var i = 0; i < Window; i++)
                {
                    s.Partner.Tell(Ball.Instance, Self);
                }
            });
            Receive<Ball>(b =>
            {
                _roundTrips++;
                if (!run.Stopping)
                {
                    Sender.Tell(b, Self);
                }
                else if (--_inFlight == 0)
                {
                    run.Report(_roundTrips);
                }
            });
        }
    }

    /// <summary>Messages per second, both directions counted, of <paramref name="pairs"/> pairs over about <paramref name="duration"/>.</summary>
    public static async Task<double> MeasureAsync(ActorSystem system, int pairs, TimeSpan duration)
    {
        var run = new Run(pairs);
        var actors = new List<IActorRef>(pairs * 2);
        var starts = new List<(IActorRef Ping, IActorRef Pong)>(pairs);
        for (var i = 0; i < pairs; i++)
        {
            var pong = system.ActorOf(Props.Create(() => new Ponger()));
            var ping = system.ActorOf(Props.Create(() => new Pinger(run)));
            actors.Add(pong);
            actors.Add(ping);
            starts.Add((ping, pong));
        }

        var clock = Stopwatch.StartNew();
        foreach (var (ping, pong) in starts)
        {
            ping.Tell(new Start(pong), ActorRefs.NoSender);
        }

        await Task.Delay(duration);
        run.Stop();
        await run.Quiet;
        var elapsed = clock.Elapsed;
        foreach (var actor in actors)
        {
            system.Stop(actor);
        }

        return run.RoundTrips * 2 / elapsed.TotalSeconds;
    }
}

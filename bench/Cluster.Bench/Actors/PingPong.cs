using Cluster.Core.Actors;

namespace Cluster.Bench.Actors;

/// <summary>
/// Ping-pong pairs on the actor runtime: each pinger keeps a window of messages in flight to
/// its ponger, which sends each one straight back, until the pair has exchanged its quota.
/// </summary>
internal static class PingPong
{
    public sealed record Start(IActorRef Partner);

    private sealed class Ball
    {
        public static readonly Ball Instance = new();
    }

    private sealed class Ponger : ReceiveActor
    {
        public Ponger() => Receive<Ball>(b => Sender.Tell(b, Self));
    }

    private sealed class Pinger : ReceiveActor
    {
        private readonly long _quota;
        private readonly int _window;
        private readonly CountdownEvent _done;
        private long _sent;
        private long _received;

        public Pinger(long quota, int window, CountdownEvent done)
        {
            _quota = quota;
            _window = window;
            _done = done;
            Receive<Start>(s =>
            {
                for (var i = 0; i < _window && _sent < _quota; i++)
                {
                    _sent++;
                    s.Partner.Tell(Ball.Instance, Self);
                }
            });
            Receive<Ball>(b =>
            {
                _received++;
                if (_sent < _quota)
                {
                    _sent++;
                    Sender.Tell(b, Self);
                }
                else if (_received == _quota)
                {
                    _done.Signal();
                }
            });
        }
    }

    /// <summary>Messages per second (both directions counted) for <paramref name="pairs"/> pairs.</summary>
    public static double Run(int pairs, long messagesPerPair, int window)
    {
        var system = ActorSystem.Create("bench-pingpong");
        try
        {
            using var done = new CountdownEvent(pairs);
            var pingers = new List<(IActorRef Ping, IActorRef Pong)>();
            for (var i = 0; i < pairs; i++)
            {
                var pong = system.ActorOf(Props.Create<Ponger>());
                var ping = system.ActorOf(Props.CreateFrom(() => new Pinger(messagesPerPair / 2, window, done)));
                pingers.Add((ping, pong));
            }

            var start = System.Diagnostics.Stopwatch.StartNew();
            foreach (var (ping, pong) in pingers)
            {
                ping.Tell(new Start(pong), null);
            }

            done.Wait();
            return pairs * (double)(messagesPerPair / 2 * 2) / start.Elapsed.TotalSeconds;
        }
        finally
        {
            system.Terminate().Wait();
        }
    }
}

using System.Collections.Concurrent;

namespace Cluster.Bench.Actors;

/// <summary>
/// The hand-written baseline: the least an actor-like ping-pong can do on this machine. Each
/// endpoint is a ConcurrentQueue plus a "scheduled" flag; the first sender to set the flag
/// queues the endpoint on the thread pool, which drains up to 30 messages per run — the same
/// work the runtime does, with no supervision, senders, behaviours or lifecycle.
/// </summary>
internal static class BaselinePingPong
{
    private sealed class Endpoint : IThreadPoolWorkItem
    {
        private readonly ConcurrentQueue<object> _queue = new();
        private int _scheduled;

        public Endpoint? Partner { get; set; }

        public Action<Endpoint, object>? OnMessage { get; set; }

        public void Post(object message)
        {
            _queue.Enqueue(message);
            if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        public void Execute()
        {
            var left = 30;
            while (left-- > 0 && _queue.TryDequeue(out var message))
            {
                OnMessage!(this, message);
            }

            Volatile.Write(ref _scheduled, 0);
            if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    public static double Run(int pairs, long messagesPerPair, int window)
    {
        using var done = new CountdownEvent(pairs);
        var quota = messagesPerPair / 2;
        var pings = new List<Endpoint>();
        var ball = new object();
        for (var i = 0; i < pairs; i++)
        {
            long sent = 0;
            long received = 0;
            var ping = new Endpoint();
            var pong = new Endpoint();
            ping.Partner = pong;
            pong.Partner = ping;
            pong.OnMessage = static (self, m) => self.Partner!.Post(m);
            ping.OnMessage = (self, m) =>
            {
                received++;
                if (sent < quota)
                {
                    sent++;
                    self.Partner!.Post(m);
                }
                else if (received == quota)
                {
                    done.Signal();
                }
            };
            pings.Add(ping);
            sent = Math.Min(window, quota);
        }

        var start = System.Diagnostics.Stopwatch.StartNew();
        foreach (var ping in pings)
        {
            for (var i = 0; i < Math.Min(window, quota); i++)
            {
                ping.Partner!.Post(ball);
            }
        }

        done.Wait();
        return pairs * (double)(quota * 2) / start.Elapsed.TotalSeconds;
    }
}

using System.Diagnostics;
using Cluster.Core.Actors;

namespace Cluster.Bench.Actors;

/// <summary>Ask round trips, spawn/stop rates and the memory of idle actors.</summary>
internal static class AskAndLifecycle
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m, Self));
    }

    private sealed class Counted : ReceiveActor
    {
        private readonly CountdownEvent _started;
        private readonly CountdownEvent _stopped;

        public Counted(CountdownEvent started, CountdownEvent stopped)
        {
            _started = started;
            _stopped = stopped;
            ReceiveAny(_ => { });
        }

        protected override void PreStart() => _started.Signal();

        protected override void PostStop() => _stopped.Signal();
    }

    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    public static (double PerSecond, double P50Us, double P99Us) Ask(int callers, int asksPerCaller)
    {
        var system = ActorSystem.Create("bench-ask");
        try
        {
            var echo = system.ActorOf(Props.Create<Echo>());
            for (var i = 0; i < 10_000; i++)
            {
                echo.Ask<int>(i, TimeSpan.FromSeconds(10)).Wait();
            }

            var latencies = new double[callers * asksPerCaller];
            var start = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
            {
                for (var i = 0; i < asksPerCaller; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await echo.Ask<int>(i, TimeSpan.FromSeconds(10));
                    latencies[(c * asksPerCaller) + i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                }
            })).ToArray();
            Task.WaitAll(tasks);
            var rate = latencies.Length / start.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            return (rate, latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
        }
        finally
        {
            system.Terminate().Wait();
        }
    }

    /// <summary>
    /// Bulk: spawns <paramref name="count"/> actors that all stay alive (rate until every PreStart
    /// ran), then stops them all (rate until every PostStop ran). The live heap grows to hold them,
    /// so this includes the garbage collector promoting every actor.
    /// </summary>
    public static (double SpawnPerSecond, double StopPerSecond) SpawnAndStop(int count)
    {
        var system = ActorSystem.Create("bench-spawn");
        try
        {
            var (spawn, stop) = Wave(system, count);
            return (count / spawn.TotalSeconds, count / stop.TotalSeconds);
        }
        finally
        {
            system.Terminate().Wait();
        }
    }

    /// <summary>
    /// Churn: waves of <paramref name="waveSize"/> actors are spawned, started, stopped and
    /// terminated, <paramref name="total"/> actors in all; the rate counts complete lifecycles.
    /// </summary>
    public static double Churn(int total, int waveSize)
    {
        var system = ActorSystem.Create("bench-churn");
        try
        {
            var watch = Stopwatch.StartNew();
            for (var done = 0; done < total; done += waveSize)
            {
                Wave(system, waveSize);
            }

            return total / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            system.Terminate().Wait();
        }
    }

    private static (TimeSpan Spawn, TimeSpan Stop) Wave(ActorSystem system, int count)
    {
        using var started = new CountdownEvent(count);
        using var stopped = new CountdownEvent(count);
        var props = Props.CreateFrom(() => new Counted(started, stopped));
        var refs = new IActorRef[count];
        var spawn = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            refs[i] = system.ActorOf(props);
        }

        started.Wait();
        var spawnTime = spawn.Elapsed;
        var stop = Stopwatch.StartNew();
        foreach (var actor in refs)
        {
            system.Stop(actor);
        }

        stopped.Wait();
        return (spawnTime, stop.Elapsed);
    }

    /// <summary>Bytes per idle actor: fresh, and after each has processed one message.</summary>
    public static (double Fresh, double AfterOneMessage) MemoryPerIdleActor(int count)
    {
        var system = ActorSystem.Create("bench-memory");
        try
        {
            var probe = system.ActorOf(Props.Create<Echo>());
            probe.Ask<int>(0, TimeSpan.FromSeconds(10)).Wait();
            var before = Measure();
            var refs = new IActorRef[count];
            var props = Props.Create<Idle>();
            for (var i = 0; i < count; i++)
            {
                refs[i] = system.ActorOf(props);
            }

            foreach (var actor in refs)
            {
                actor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30)).Wait();
            }

            var fresh = (Measure() - before) / (double)count;
            foreach (var actor in refs)
            {
                actor.Tell("wake", null);
            }

            foreach (var actor in refs)
            {
                actor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30)).Wait();
            }

            var afterOne = (Measure() - before) / (double)count;
            GC.KeepAlive(refs);
            return (fresh, afterOne);
        }
        finally
        {
            system.Terminate().Wait();
        }
    }

    private static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

using System.Diagnostics;
using Cluster.Core.Actors;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Bench.Persistence;

/// <summary>Write and recovery load on persistent actors over a given journal.</summary>
internal static class PersistenceLoad
{
    public sealed record WriteResult(int Actors, long Events, double EventsPerSecond, double P50Ms, double P99Ms);

    public sealed record RecoveryResult(int Actors, long Events, double EventsPerSecond);

    private static readonly string Filler = new('x', 160);

    private sealed record Next;

    /// <summary>Persists its quota one event at a time (each waits for the previous to be stored), timing each.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        private static readonly Next NextMessage = new();
        private readonly int _quota;
        private readonly double[] _latencies;
        private readonly int _offset;
        private readonly CountdownEvent _done;
        private int _written;

        public Writer(string id, int quota, double[] latencies, int offset, CountdownEvent done)
        {
            PersistenceId = id;
            _quota = quota;
            _latencies = latencies;
            _offset = offset;
            _done = done;
            Recover<RecoveryCompleted>(_ => { });
            Command<Next>(_ =>
            {
                var started = Stopwatch.GetTimestamp();
                Persist(new BenchEvent(_written, Filler), _ =>
                {
                    _latencies[_offset + _written] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (++_written < _quota)
                    {
                        Self.Tell(NextMessage);
                    }
                    else
                    {
                        _done.Signal();
                    }
                });
            });
        }

        public override string PersistenceId { get; }

        public static void Start(IActorRef writer) => writer.Tell(NextMessage, null);
    }

    /// <summary>Counts replayed events; signals when recovered.</summary>
    private sealed class Replayer : ReceivePersistentActor
    {
        public Replayer(string id, CountdownEvent recovered, long[] replayed)
        {
            PersistenceId = id;
            Recover<BenchEvent>(_ => Interlocked.Increment(ref replayed[0]));
            Recover<RecoveryCompleted>(_ => recovered.Signal());
        }

        public override string PersistenceId { get; }
    }

    public static PersistenceSerialization Serialization() =>
        new PersistenceSerialization().Register("bench-event.v1", BenchEventsContext.Default.BenchEvent);

    public static WriteResult Write(IJournal journal, ISnapshotStore snapshots, int actors, int eventsPerActor, string runId)
    {
        var system = ActorSystem.Create("bench-persist");
        try
        {
            Cluster.Core.Persistence.Persistence.Install(system, journal, snapshots, Serialization());
            var latencies = new double[actors * eventsPerActor];
            using var done = new CountdownEvent(actors);
            var writers = Enumerable.Range(0, actors)
                .Select(i => system.ActorOf(Props.CreateFrom(() => new Writer($"{runId}-{i}", eventsPerActor, latencies, i * eventsPerActor, done))))
                .ToArray();
            var watch = Stopwatch.StartNew();
            foreach (var writer in writers)
            {
                Writer.Start(writer);
            }

            done.Wait();
            var elapsed = watch.Elapsed;
            Array.Sort(latencies);
            return new WriteResult(actors, latencies.Length, latencies.Length / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        }
        finally
        {
            system.Terminate().Wait();
        }
    }

    /// <summary>Writes <paramref name="actors"/> × <paramref name="eventsPerActor"/> events straight to the journal, then times their recovery into actors.</summary>
    public static RecoveryResult Recover(IJournal journal, ISnapshotStore snapshots, int actors, int eventsPerActor, string runId)
    {
        var serialization = Serialization();
        var (manifest, payload) = serialization.Serialize(new BenchEvent(0, Filler));
        for (var i = 0; i < actors; i++)
        {
            for (var from = 1; from <= eventsPerActor; from += 1000)
            {
                var events = Enumerable.Range(from, Math.Min(1000, eventsPerActor - from + 1))
                    .Select(seq => new JournalEvent(seq, manifest, payload, []))
                    .ToArray();
                var result = journal.WriteAsync([new AtomicWrite($"{runId}-{i}", "bench", events)]).GetAwaiter().GetResult();
                if (result[0].Rejection is { } rejection)
                {
                    throw rejection;
                }
            }
        }

        var system = ActorSystem.Create("bench-recover");
        try
        {
            Cluster.Core.Persistence.Persistence.Install(system, journal, snapshots, serialization);
            var replayed = new long[1];
            using var recovered = new CountdownEvent(actors);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < actors; i++)
            {
                var id = $"{runId}-{i}";
                system.ActorOf(Props.CreateFrom(() => new Replayer(id, recovered, replayed)));
            }

            recovered.Wait();
            var elapsed = watch.Elapsed;
            return new RecoveryResult(actors, replayed[0], replayed[0] / elapsed.TotalSeconds);
        }
        finally
        {
            system.Terminate().Wait();
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];
}

using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;

namespace Cluster.Bench.Persistence;

/// <summary>Write and recovery load of Akka persistent actors over whichever journal plugin the actor system is configured with.</summary>
internal static class PersistenceLoad
{
    public sealed record WriteResult(int Actors, long Events, double EventsPerSecond, double P50Ms, double P99Ms);

    public sealed record RecoveryResult(int Actors, long Events, double EventsPerSecond);

    /// <summary>Events per PersistAll while seeding the recovery figure: large atomic writes, so seeding is quick.</summary>
    private const int SeedChunk = 500;

    /// <summary>Longest wait for one phase; a journal that stalls past it fails the configuration instead of hanging the run.</summary>
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(10);

    private sealed class Next
    {
        public static readonly Next Instance = new();
    }

    /// <summary>
    /// A persistent actor of the load that hands a journal failure or rejection to the run (Akka
    /// stops the actor then), so the run reports it instead of waiting for a signal that never comes.
    /// </summary>
    private abstract class LoadActor(string persistenceId, Action<Exception> fail) : ReceivePersistentActor
    {
        public override string PersistenceId { get; } = persistenceId;

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            fail(reason);
            base.OnRecoveryFailure(reason, message);
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            fail(cause);
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            fail(cause);
            base.OnPersistRejected(cause, @event, sequenceNr);
        }
    }

    /// <summary>
    /// Recovers (an empty id), then persists its quota one event at a time: each command persists
    /// one event and the next command is sent only once that event is stored. Each persist is
    /// timed from the call to its handler, which Akka runs once the journal confirmed the write.
    /// </summary>
    private sealed class Writer : LoadActor
    {
        private readonly int _quota;
        private readonly double[] _latencies;
        private readonly int _offset;
        private int _written;

        public Writer(string id, int quota, double[] latencies, int offset, Countdown recovered, Countdown done, Action<Exception> fail)
            : base(id, fail)
        {
            _quota = quota;
            _latencies = latencies;
            _offset = offset;
            Recover<RecoveryCompleted>(_ => recovered.Signal());
            Command<Next>(_ =>
            {
                var started = Stopwatch.GetTimestamp();
                Persist(BenchEvent.Numbered(_written), _ =>
                {
                    _latencies[_offset + _written] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (++_written < _quota)
                    {
                        Self.Tell(Next.Instance);
                    }
                    else
                    {
                        done.Signal();
                    }
                });
            });
        }
    }

    /// <summary>Persists its events in atomic writes of <see cref="SeedChunk"/>, each after the previous one is stored.</summary>
    private sealed class Seeder : LoadActor
    {
        private readonly int _events;
        private readonly Countdown _done;
        private int _stored;

        public Seeder(string id, int events, Countdown done)
            : base(id, done.Fail)
        {
            _events = events;
            _done = done;
            Recover<RecoveryCompleted>(_ => PersistChunk());
        }

        private void PersistChunk()
        {
            var chunk = Enumerable.Range(_stored, Math.Min(SeedChunk, _events - _stored)).Select(i => BenchEvent.Numbered(i)).ToArray();
            var last = _stored + chunk.Length;
            PersistAll(chunk, _ =>
            {
                if (++_stored < last)
                {
                    return;
                }

                if (_stored < _events)
                {
                    PersistChunk();
                }
                else
                {
                    _done.Signal();
                }
            });
        }
    }

    /// <summary>Counts its replayed events and reports them when recovered.</summary>
    private sealed class Replayer : LoadActor
    {
        private long _replayed;

        public Replayer(string id, Action<long> recovered, Action<Exception> fail)
            : base(id, fail)
        {
            Recover<BenchEvent>(_ => _replayed++);
            Recover<RecoveryCompleted>(_ => recovered(_replayed));
        }
    }

    /// <summary>
    /// <paramref name="actors"/> writers (ids prefixed <paramref name="runId"/>) persist
    /// <paramref name="eventsPerActor"/> events each. The clock starts once all of them have
    /// recovered, so the figure is writes alone.
    /// </summary>
    public static async Task<WriteResult> WriteAsync(ActorSystem system, int actors, int eventsPerActor, string runId)
    {
        var latencies = new double[actors * eventsPerActor];
        var recovered = new Countdown(actors);
        var done = new Countdown(actors);
        Action<Exception> fail = cause =>
        {
            recovered.Fail(cause);
            done.Fail(cause);
        };
        var writers = Enumerable.Range(0, actors)
            .Select(i => system.ActorOf(Props.Create(() => new Writer($"{runId}-{i}", eventsPerActor, latencies, i * eventsPerActor, recovered, done, fail))))
            .ToArray();
        await recovered.Reached.WaitAsync(PhaseTimeout);
        var clock = Stopwatch.StartNew();
        foreach (var writer in writers)
        {
            writer.Tell(Next.Instance, ActorRefs.NoSender);
        }

        await done.Reached.WaitAsync(PhaseTimeout);
        var elapsed = clock.Elapsed;
        await StopAllAsync(writers);
        Array.Sort(latencies);
        return new WriteResult(actors, latencies.Length, latencies.Length / elapsed.TotalSeconds, Percentiles.Of(latencies, 0.50), Percentiles.Of(latencies, 0.99));
    }

    /// <summary>
    /// Seeds <paramref name="actors"/> ids with <paramref name="eventsPerActor"/> events each
    /// (untimed), stops the seeders, then times fresh actors recovering all of them at once.
    /// </summary>
    public static async Task<RecoveryResult> RecoverAsync(ActorSystem system, int actors, int eventsPerActor, string runId)
    {
        var seeded = new Countdown(actors);
        var seeders = Enumerable.Range(0, actors)
            .Select(i => system.ActorOf(Props.Create(() => new Seeder($"{runId}-{i}", eventsPerActor, seeded))))
            .ToArray();
        await seeded.Reached.WaitAsync(PhaseTimeout);
        await StopAllAsync(seeders);

        long replayed = 0;
        var recovered = new Countdown(actors);
        Action<long> onRecovered = events =>
        {
            Interlocked.Add(ref replayed, events);
            recovered.Signal();
        };
        Action<Exception> failRecovery = recovered.Fail;

        var clock = Stopwatch.StartNew();
        var replayers = Enumerable.Range(0, actors)
            .Select(i => system.ActorOf(Props.Create(() => new Replayer($"{runId}-{i}", onRecovered, failRecovery))))
            .ToArray();
        await recovered.Reached.WaitAsync(PhaseTimeout);
        var elapsed = clock.Elapsed;
        await StopAllAsync(replayers);
        var total = Interlocked.Read(ref replayed);
        if (total != (long)actors * eventsPerActor)
        {
            throw new InvalidOperationException($"recovery replayed {total} events, {(long)actors * eventsPerActor} were stored");
        }

        return new RecoveryResult(actors, total, total / elapsed.TotalSeconds);
    }

    /// <summary>Stops the actors and waits until they are gone, so no persistence id is ever live twice.</summary>
    private static async Task StopAllAsync(IEnumerable<IActorRef> actors) =>
        await Task.WhenAll(actors.Select(a => a.GracefulStop(TimeSpan.FromSeconds(30))));
}

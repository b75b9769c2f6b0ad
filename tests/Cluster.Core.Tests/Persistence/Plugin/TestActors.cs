using Akka.Actor;
using Akka.Persistence;
using Cluster.Core.Persistence.Plugin;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>Persist these events in one <c>PersistAll</c> (an atomic write); each is answered with a <see cref="Persisted"/>.</summary>
public sealed record PersistEvents(params object[] Events);

/// <summary>What a persist or recovery handler saw: its event's sequence number and commit ordering (0 when it had none).</summary>
public sealed record Persisted(string Handler, long SequenceNr, long Ordering);

/// <summary>
/// Persists what it is told and reports, from every handler, the sequence number and the commit
/// ordering (<see cref="CommitOrdering"/>) of the event at hand: persist handlers to the command's
/// sender, recovery handlers to the probe.
/// </summary>
public sealed class EventWriter : ReceivePersistentActor
{
    public EventWriter(string persistenceId, IActorRef probe)
    {
        PersistenceId = persistenceId;
        Recover<SnapshotOffer>(offer => probe.Tell(new Persisted("offer", offer.Metadata.SequenceNr, OrderingOf(offer.Snapshot))));
        Recover<RecoveryCompleted>(_ => probe.Tell(new Persisted("recovered", LastSequenceNr, 0)));
        Recover<object>(e => probe.Tell(new Persisted("replayed", LastSequenceNr, CommitOrdering.Of(e))));
        Command<PersistEvents>(command => PersistAll(command.Events, e => Sender.Tell(new Persisted("persisted", LastSequenceNr, CommitOrdering.Of(e)))));
        Command<CounterSnapshot>(snapshot => SaveSnapshot(snapshot));
        Command<SaveSnapshotSuccess>(success => probe.Tell(new Persisted("snapshot saved", success.Metadata.SequenceNr, 0)));
    }

    public override string PersistenceId { get; }

    private static long OrderingOf(object value) => CommitOrdering.TryGet(value, out var ordering) ? ordering : 0;
}

/// <summary>
/// A persistent counter: an int persists one increment, an int[] several in one PersistAll, a
/// long persists with PersistAsync; each handler answers ("applied", value, sequence number).
/// "get" answers the value, "snap" saves a snapshot, "bad" persists an event no serializer can
/// write, ("delete", n) deletes events up to n. Recovery and lifecycle events go to the probe.
/// </summary>
public sealed class CounterActor : ReceivePersistentActor
{
    private readonly IActorRef _probe;
    private int _value;

    public CounterActor(string persistenceId, IActorRef probe)
    {
        PersistenceId = persistenceId;
        _probe = probe;
        Recover<Incremented>(e => _value += e.By);
        Recover<SnapshotOffer>(offer =>
        {
            _value = ((CounterSnapshot)offer.Snapshot).Value;
            probe.Tell(("offer", offer.Metadata.SequenceNr));
        });
        Recover<RecoveryCompleted>(_ => probe.Tell(("recovered", _value, LastSequenceNr)));
        Command<int>(by => Persist(new Incremented(by), Apply));
        Command<int[]>(all => PersistAll(all.Select(by => new Incremented(by)), Apply));
        Command<long>(by => PersistAsync(new Incremented((int)by), Apply));
        Command<string>(s => s == "get", _ => Sender.Tell(_value));
        Command<string>(s => s == "snap", _ => SaveSnapshot(new CounterSnapshot(_value)));
        Command<string>(s => s == "bad", _ => Persist(new Unserializable("x"), _ => Sender.Tell("stored the unserializable event")));
        Command<(string, long)>(delete => delete.Item1 == "delete", delete => DeleteMessages(delete.Item2));
        Command<SaveSnapshotSuccess>(success => probe.Tell(("snapshot saved", success.Metadata.SequenceNr)));
        Command<DeleteMessagesSuccess>(success => probe.Tell(("deleted", success.ToSequenceNr)));
    }

    public override string PersistenceId { get; }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        _probe.Tell(("rejected", cause.GetType().Name, sequenceNr));
    }

    private void Apply(Incremented e)
    {
        _value += e.By;
        Sender.Tell(("applied", _value, LastSequenceNr));
    }
}

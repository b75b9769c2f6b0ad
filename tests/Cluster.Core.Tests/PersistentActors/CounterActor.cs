using System.Text.Json.Serialization;
using Cluster.Core.Actors;
using Cluster.Core.Persistence;

namespace Cluster.Core.Tests.PersistentActors;

public sealed record Incremented(int By);

public sealed record CounterSnapshot(int Value);

public sealed record Unregistered(string Text);

[JsonSerializable(typeof(Incremented))]
[JsonSerializable(typeof(CounterSnapshot))]
[JsonSerializable(typeof(Unregistered))]
internal sealed partial class TestEventsContext : JsonSerializerContext;

/// <summary>A persistent counter: "inc N" persists, "get" answers the value, "inc-all" persists several at once.</summary>
internal sealed class CounterActor : ReceivePersistentActor
{
    private readonly int _snapshotEvery;
    private int _value;

    public CounterActor(string id, IActorRef probe, int snapshotEvery = 0)
    {
        PersistenceId = id;
        _snapshotEvery = snapshotEvery;
        Recover<Incremented>(e => _value += e.By);
        Recover<SnapshotOffer>(o =>
        {
            _value = ((CounterSnapshot)o.Snapshot).Value;
            probe.Tell(("offer", o.Metadata.SequenceNr));
        });
        Recover<RecoveryCompleted>(_ => probe.Tell(("recovered", _value, LastSequenceNr)));
        Command<int>(by => Persist(new Incremented(by), e =>
        {
            _value += e.By;
            Sender.Tell(("applied", _value, LastSequenceNr));
        }));
        Command<int[]>(all => PersistAll(all.Select(by => new Incremented(by)), e =>
        {
            _value += e.By;
            Sender.Tell(("applied", _value, LastSequenceNr));
        }));
        Command<string>(s => s == "get", _ => Sender.Tell(_value));
        Command<string>(s => s == "snap", _ => SaveSnapshot(new CounterSnapshot(_value)));
        Command<string>(s => s == "bad", _ => Persist(new Unregistered("x"), _ => Sender.Tell("stored unregistered?!")));
        Command<SaveSnapshotSuccess>(s => probe.Tell(("snapshot saved", s.Metadata.SequenceNr)));
        Command<SaveSnapshotFailure>(f => probe.Tell(("snapshot failed", f.Cause.Message)));
    }

    public override string PersistenceId { get; }

    protected override int SnapshotEvery => _snapshotEvery;

    protected override object? SnapshotState() => new CounterSnapshot(_value);

    protected override IReadOnlyList<string> TagsFor(object @event) => ["counter"];
}

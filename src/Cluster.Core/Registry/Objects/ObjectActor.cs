using Cluster.Core.Actors;
using Cluster.Core.Persistence;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// One Kubernetes object as an event-sourced actor. It runs one command at a time through
/// <see cref="ObjectRules"/>, stores the decided event, and answers with the object stamped with
/// the event's journal ordering (its resourceVersion). Idle, it asks its shard to passivate it;
/// the next command recovers it from the journal.
/// </summary>
public sealed class ObjectActor : ReceivePersistentActor
{
    private readonly ObjectRules _rules;
    private readonly string _name;
    private ObjectState _state = ObjectState.Empty;

    private readonly int _snapshotEvery;

    public ObjectActor(string persistenceId, string name, ObjectRules rules, TimeSpan passivateAfter, int snapshotEvery)
    {
        _snapshotEvery = snapshotEvery;
        PersistenceId = persistenceId;
        _name = name;
        _rules = rules;

        Recover<ObjectEvents.Stored>(e => _state = _state.Apply(e, LastOrdering));
        Recover<ObjectEvents.Deleted>(e => _state = _state.Apply(e, LastOrdering));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ObjectSnapshot snapshot)
            {
                _state = ObjectState.Of(snapshot.Object, snapshot.Ordering);
            }
        });

        Command<ObjectCommand.Get>(_ => Sender.Tell(_state.Current is { } current
            ? new ObjectReply(current)
            : new Status.Failure(ApiException.NotFound(_rules.Kind, _name))));
        Command<ObjectCommand.Create>(c => Decide(() => _rules.Create(_state.Current, c.Object, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Update>(c => Decide(() => _rules.Update(_state.Current, c.Object, c.Subresource, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Patch>(c => Decide(() => _rules.Patch(_state.Current, c.Type, c.Body, c.Subresource, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Delete>(c => Decide(() => _rules.Delete(_state.Current, _name, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Bind>(c => Decide(() => _rules.Bind(_state.Current, c.NodeName, c.Options), c.Options.DryRun));
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Cluster.Core.Sharding.Shard.Passivate(Self), Self));

        if (passivateAfter > TimeSpan.Zero)
        {
            Context.SetReceiveTimeout(passivateAfter);
        }
    }

    public override string PersistenceId { get; }

    protected override int SnapshotEvery => _snapshotEvery;

    /// <summary>The journal failed: the writer learns at once (503, retry), then the actor stops and the next command recovers it.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        Sender.Tell(new Status.Failure(ApiException.Unavailable("the write could not be stored: " + cause.Message)));
    }

    protected override object? SnapshotState() => new ObjectSnapshot(_state.Current, _state.Ordering);

    private void Decide(Func<Decision> decide, bool dryRun)
    {
        Decision decision;
        try
        {
            decision = decide();
        }
        catch (ApiException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }
        catch (Exception e)
        {
            // A bug or an input the rules did not expect: the caller gets a 500 at once, not a timeout.
            Sender.Tell(new Status.Failure(ApiException.Internal(e.Message)));
            return;
        }

        if (decision.Event is null || dryRun)
        {
            Sender.Tell(new ObjectReply(decision.Reply, decision.Created, decision.Removed));
            return;
        }

        Persist(decision.Event, e =>
        {
            _state = _state.Apply(e, LastOrdering);
            var stored = e switch
            {
                ObjectEvents.Stored s => s.Object,
                _ => _state.LastDeleted!,
            };
            if (e is ObjectEvents.Deleted)
            {
                // A tombstone snapshot lets compaction drop the object's older events.
                SaveSnapshot(new ObjectSnapshot(null, _state.Ordering));
            }

            Sender.Tell(new ObjectReply(stored, decision.Created, decision.Removed));
        });
    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Cluster.Core.Persistence.Plugin;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// One Kubernetes object as an event-sourced Akka actor, a sharding entity. It runs one command at
/// a time through <see cref="ObjectRules"/>, persists the decided event, and answers with the
/// object stamped with the event's commit ordering (its resourceVersion), which the journal
/// plugin hands over through <see cref="CommitOrdering"/>. Idle, its shard passivates it; the next
/// command recovers it from its latest snapshot and later events.
/// <code>
///   Recovering ──done──▶ Serving ──write decided──▶ Persisting (Akka stashes commands)
///                          ▲                              │ stored: apply, answer, maybe snapshot
///                          └──────────────────────────────┘
///   Persisting ──store failed──▶ answer 503, stop   ──rejected──▶ answer 503, passivate
/// </code>
/// </summary>
public sealed partial class ObjectActor : ReceivePersistentActor
{
    private readonly ObjectRules _rules;
    private readonly string _name;
    private readonly int _snapshotEvery;
    private readonly ILogger _logger;
    private ObjectState _state = ObjectState.Empty;

    public ObjectActor(string persistenceId, string name, ObjectRules rules, int snapshotEvery, ILogger logger)
    {
        PersistenceId = persistenceId;
        _name = name;
        _rules = rules;
        _snapshotEvery = snapshotEvery;
        _logger = logger;

        Recover<ObjectEvents.Stored>(e => _state = _state.Apply(e, CommitOrdering.Of(e)));
        Recover<ObjectEvents.Deleted>(e => _state = _state.Apply(e, CommitOrdering.Of(e)));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ObjectSnapshot snapshot)
            {
                _state = ObjectState.Of(snapshot.Object, snapshot.Ordering);
            }
        });

        Command<ObjectCommand.Get>(_ => Sender.Tell(_state.Current is { } current
            ? new ObjectReply(current)
            : ObjectFailure.From(ApiException.NotFound(_rules.Kind, _name))));
        Command<ObjectCommand.Create>(c => Decide(() => _rules.Create(_state.Current, c.Object, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Update>(c => Decide(() => _rules.Update(_state.Current, c.Object, c.Subresource, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Patch>(c => Decide(() => _rules.Patch(_state.Current, c.Type, c.Body, c.Subresource, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Delete>(c => Decide(() => _rules.Delete(_state.Current, _name, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Bind>(c => Decide(() => _rules.Bind(_state.Current, c.NodeName, c.Options), c.Options.DryRun));
        Command<ObjectCommand.Stop>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => LogSnapshotFailed(_logger, f.Cause, PersistenceId, f.Metadata.SequenceNr));
    }

    public override string PersistenceId { get; }

    /// <summary>The journal failed (nothing is known of the write): the writer learns at once (503, retry); Akka then stops the actor and the next command recovers it.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Sender.Tell(ObjectFailure.From(ApiException.Unavailable("the write could not be stored: " + cause.Message)));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>
    /// The journal refused the write. When another incarnation owns the sequence number this one's
    /// state is stale: it passivates (its shard buffers what comes meanwhile) and the next
    /// incarnation recovers the truth, instead of writing on top of someone else's history.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        LogRejected(_logger, cause, PersistenceId, sequenceNr);
        Sender.Tell(ObjectFailure.From(ApiException.Unavailable("the write was refused by the journal: " + cause.Message)));
        Context.Parent.Tell(new Passivate(ObjectCommand.Stop.Instance));
    }

    private void Decide(Func<Decision> decide, bool dryRun)
    {
        Decision decision;
        try
        {
            decision = decide();
        }
        catch (ApiException e)
        {
            Sender.Tell(ObjectFailure.From(e));
            return;
        }
        catch (Exception e)
        {
            // A bug or an input the rules did not expect: the caller gets a 500 at once, not a timeout.
            Sender.Tell(ObjectFailure.From(ApiException.Internal(e.Message)));
            return;
        }

        if (decision.Event is null || dryRun)
        {
            Sender.Tell(new ObjectReply(decision.Reply, decision.Created, decision.Removed));
            return;
        }

        Persist(decision.Event, e =>
        {
            _state = _state.Apply(e, CommitOrdering.Of(e));
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
            else if (_snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0)
            {
                SaveSnapshot(new ObjectSnapshot(_state.Current, _state.Ordering));
            }

            Sender.Tell(new ObjectReply(stored, decision.Created, decision.Removed));
        });
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Snapshot of {PersistenceId} at {SequenceNr} failed")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception cause, string persistenceId, long sequenceNr);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Write of {PersistenceId} at {SequenceNr} was refused by the journal; passivating to recover")]
    private static partial void LogRejected(ILogger logger, Exception cause, string persistenceId, long sequenceNr);
}

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
public sealed partial class ObjectActor : UntypedPersistentActor
{
    // Untyped (a switch per message) rather than ReceivePersistentActor: its per-instance handler
    // tables cost about 2 KB and a dozen delegates for every live object, and every create builds them.
    private readonly ObjectRules _rules;
    private readonly string _name;
    private readonly int _snapshotEvery;
    private readonly ILogger _logger;
    private ObjectState _state = ObjectState.Empty;

    // The last stored write's request id and answer flags. The registry repeats a command whose attempt
    // went unanswered (sharding drops messages caught in a shard's hand-off); when the first attempt
    // was only slow, the repeat finds its id here and gets the first one's answer instead of a second write.
    private Guid _lastRequest;
    private long _lastRequestOrdering;
    private bool _lastRequestCreated;
    private bool _lastRequestRemoved;

    public ObjectActor(string persistenceId, string name, ObjectRules rules, int snapshotEvery, ILogger logger)
    {
        PersistenceId = persistenceId;
        _name = name;
        _rules = rules;
        _snapshotEvery = snapshotEvery;
        _logger = logger;
    }

    public override string PersistenceId { get; }

    /// <summary>Sent by the actor to itself after a reply, from no sender (see <see cref="Answer"/>).</summary>
    private sealed record ForgetSender : Akka.Event.IDeadLetterSuppression, INoSerializationVerificationNeeded
    {
        public static readonly ForgetSender Instance = new();
    }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case ObjectEvents.Stored or ObjectEvents.Deleted:
                _state = _state.Apply(message, CommitOrdering.Of(message));
                break;
            case SnapshotOffer { Snapshot: ObjectSnapshot snapshot }:
                _state = ObjectState.Of(snapshot.Object, snapshot.Ordering);
                break;
            case RecoveryCompleted:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case ObjectCommand.Get:
                Answer(Sender, _state.Json is { } json
                    ? new ObjectReply(json, _state.Ordering)
                    : ObjectFailure.From(ApiException.NotFound(_rules.Kind, _name)));
                break;
            case ObjectCommand.Create or ObjectCommand.Update or ObjectCommand.Patch or ObjectCommand.Delete or ObjectCommand.Bind:
                Decide(message);
                break;
            case ObjectCommand.Stop:
                Context.Stop(Self);
                break;
            case ForgetSender:
                break;
            case SaveSnapshotSuccess:
                break;
            case SaveSnapshotFailure f:
                LogSnapshotFailed(_logger, f.Cause, PersistenceId, f.Metadata.SequenceNr);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The journal failed (nothing is known of the write): the writer learns at once (503, retry); Akka then stops the actor and the next command recovers it.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // No ForgetSender: Akka stops the actor next.
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
        Answer(Sender, ObjectFailure.From(ApiException.Unavailable("the write was refused by the journal: " + cause.Message)));
        Context.Parent.Tell(new Passivate(ObjectCommand.Stop.Instance));
    }

    /// <summary>What the rules decide for a write command, and whether it is a dry run.</summary>
    private (Decision Decision, bool DryRun) Rule(object command) => command switch
    {
        ObjectCommand.Create c => (_rules.Create(_state.Current, c.Object, c.Options), c.Options.DryRun),
        ObjectCommand.Update c => (_rules.Update(_state.Current, c.Object, c.Subresource, c.Options), c.Options.DryRun),
        ObjectCommand.Patch c => (_rules.Patch(_state.Current, c.Type, c.Body, c.Subresource, c.Options), c.Options.DryRun),
        ObjectCommand.Delete c => (_rules.Delete(_state.Current, _name, c.Options), c.Options.DryRun),
        ObjectCommand.Bind c => (_rules.Bind(_state.Current, c.NodeName), c.Options.DryRun),
        _ => throw new ArgumentException("not a write command: " + command.GetType().Name, nameof(command)),
    };

    private void Decide(object command)
    {
        var requestId = ObjectCommand.RequestIdOf(command);
        if (requestId != Guid.Empty && requestId == _lastRequest && _lastRequestOrdering == _state.Ordering)
        {
            var stored = _lastRequestRemoved ? _state.LastDeleted : _state.Json;
            if (stored is not null)
            {
                Answer(Sender, new ObjectReply(stored, _state.Ordering, _lastRequestCreated, _lastRequestRemoved));
                return;
            }
        }

        Decision decision;
        bool dryRun;
        try
        {
            (decision, dryRun) = Rule(command);
        }
        catch (ApiException e)
        {
            Answer(Sender, ObjectFailure.From(e));
            return;
        }
        catch (Exception e)
        {
            // A bug or an input the rules did not expect: the caller gets a 500 at once, not a timeout, and the
            // runtime's message goes to the log, not to the client.
            LogRuleFailed(_logger, e, PersistenceId, command.GetType().Name);
            Answer(Sender, ObjectFailure.From(ApiException.Internal("the server could not complete the request; its log has the details")));
            return;
        }

        if (decision.Event is null || dryRun)
        {
            // Nothing stored: a no-op answers with the object as it is, a dry run with what it would be.
            Answer(Sender, new ObjectReply(ObjectState.Serialize(decision.Reply), dryRun ? 0 : _state.Ordering, decision.Created, decision.Removed));
            return;
        }

        Persist(decision.Event, e =>
        {
            _state = _state.Apply(e, CommitOrdering.Of(e));
            if (e is ObjectEvents.Deleted)
            {
                // A tombstone snapshot lets compaction drop the object's older events.
                SaveSnapshot(new ObjectSnapshot(null, _state.Ordering));
            }
            else if (e is ObjectEvents.Stored stored && _snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0)
            {
                // The event's object is the state, already stamped by Apply: no need to parse the state's bytes again.
                SaveSnapshot(new ObjectSnapshot(stored.Object, _state.Ordering));
            }

            var json = e is ObjectEvents.Deleted ? _state.LastDeleted! : _state.Json!;
            (_lastRequest, _lastRequestOrdering, _lastRequestCreated, _lastRequestRemoved) = (requestId, _state.Ordering, decision.Created, decision.Removed);
            Answer(Sender, new ObjectReply(json, _state.Ordering, decision.Created, decision.Removed));
            e.Release();
        });
    }

    /// <summary>
    /// Replies, then has the actor forget whom it replied to. Akka keeps the sender of the last
    /// message an actor processed until the next one: for an object that then idles, that is the
    /// asker's temporary reference with its completed task and reply, about 270 bytes per live
    /// object (some 40 MB with 150,000 objects) kept for nothing. A message from no one resets it.
    /// </summary>
    private void Answer(IActorRef asker, object reply)
    {
        asker.Tell(reply);
        Self.Tell(ForgetSender.Instance, ActorRefs.NoSender);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Snapshot of {PersistenceId} at {SequenceNr} failed")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception cause, string persistenceId, long sequenceNr);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "{Command} on {PersistenceId} failed unexpectedly")]
    private static partial void LogRuleFailed(ILogger logger, Exception cause, string persistenceId, string command);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Write of {PersistenceId} at {SequenceNr} was refused by the journal; passivating to recover")]
    private static partial void LogRejected(ILogger logger, Exception cause, string persistenceId, long sequenceNr);
}

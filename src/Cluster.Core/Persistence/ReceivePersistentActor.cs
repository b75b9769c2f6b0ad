using Cluster.Core.Actors;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence;

/// <summary>
/// An event-sourced actor (Akka's ReceivePersistentActor). Commands come in through
/// <c>Command</c> handlers, which <c>Persist</c> events; an event's handler runs only once the
/// journal has stored it, and until then new commands wait in the mailbox. On start (and every
/// restart) the actor recovers: the latest snapshot, then the later events through the
/// <c>Recover</c> handlers, then <see cref="RecoveryCompleted"/>.
/// <code>
///   Recovering ──replay done──▶ Processing commands ──Persist──▶ Persisting (mailbox waits)
///       │                              ▲                              │ stored: run handlers
///       └─ recovery failed: stop       └──────────────────────────────┘ failed: stop │ rejected: report
/// </code>
/// </summary>
public abstract partial class ReceivePersistentActor : ActorBase
{
    private readonly MessageHandlerList _recoverHandlers = new();
    private readonly MessageHandlerList _commandHandlers = new();
    private readonly List<PendingInvocation> _pending = [];
    private Persistence? _persistence;

    /// <summary>The last sequence number handed out by Persist (ahead of LastSequenceNr while writes are pending).</summary>
    private long _assignedSequenceNr;

    /// <summary>The stable id of this actor's event stream (unique per entity).</summary>
    public abstract string PersistenceId { get; }

    /// <summary>How to recover; override to start from an older snapshot, replay less, or skip recovery.</summary>
    protected virtual Recovery Recovery => Recovery.Default;

    /// <summary>Save a snapshot every this many events when <see cref="SnapshotState"/> offers one; 0 = never.</summary>
    protected virtual int SnapshotEvery => PersistenceExtension.Settings.SnapshotEvery;

    /// <summary>The sequence number of the last event persisted or replayed.</summary>
    protected long LastSequenceNr { get; private set; }

    /// <summary>
    /// The journal ordering (global commit position, <see cref="Journal.JournalEntry.Ordering"/>)
    /// of the last event persisted or replayed. While an event handler runs (a <c>Persist</c> or
    /// <c>PersistAll</c> handler, once the journal stored the event; or a <c>Recover</c> handler
    /// for a replayed event) it is that event's ordering, the same value a read journal reports
    /// for it. While a <see cref="SnapshotOffer"/> is handled it is 0, as snapshots do not record
    /// orderings (and stays 0 if no event is replayed after the snapshot). It is 0 before any
    /// event. Unlike <see cref="LastSequenceNr"/> it is not raised past deleted or skipped events
    /// at the end of recovery: it is always the ordering of an event this actor actually handled.
    /// </summary>
    protected long LastOrdering { get; private set; }

    /// <summary>The sequence number of the last snapshot saved or recovered from.</summary>
    protected long SnapshotSequenceNr { get; private set; }

    public bool IsRecovering { get; private set; } = true;

    public bool IsRecoveryFinished => !IsRecovering;

    /// <summary>The installed persistence extension (journal, snapshot store, serialization).</summary>
    protected Persistence PersistenceExtension => _persistence ??= Persistence.Get(Context.System);

    protected void Recover<T>(Action<T> handler) => _recoverHandlers.Add(new MessageHandler<T>(null, handler));

    protected void Command<T>(Action<T> handler) => _commandHandlers.Add(new MessageHandler<T>(null, handler));

    protected void Command<T>(Predicate<T> shouldHandle, Action<T> handler) => _commandHandlers.Add(new MessageHandler<T>(shouldHandle, handler));

    protected void CommandAny(Action<object> handler) => _commandHandlers.Add(new MessageHandler<object>(null, handler));

    /// <summary>An async command: the mailbox waits for it, and for the events it persists to be stored and handled.</summary>
    protected void CommandAsync<T>(Func<T, Task> handler) =>
        _commandHandlers.Add(new MessageHandler<T>(null, m => Cell.RunAsyncHandler(async () =>
        {
            try
            {
                await handler(m);
            }
            catch
            {
                _pending.Clear();
                throw;
            }

            if (_pending.Count > 0)
            {
                SubmitPending();
            }
        })));

    /// <summary>Tags stored with an event (for EventsByTag queries); the default is none.</summary>
    protected virtual IReadOnlyList<string> TagsFor(object @event) => [];

    /// <summary>The state to snapshot under the <see cref="SnapshotEvery"/> policy; null = do not snapshot.</summary>
    protected virtual object? SnapshotState() => null;

    /// <summary>The journal failed (nothing is known of the write): logged, then the actor stops. Restart it through a back-off supervisor.</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        LogPersistFailure(Log, cause, PersistenceId, sequenceNr, @event.GetType().Name);

    /// <summary>The journal refused the write (nothing was stored): logged and answered to the command's sender; the actor carries on.</summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        LogPersistRejected(Log, cause, PersistenceId, sequenceNr, @event.GetType().Name);
        Sender.Tell(new Status.Failure(cause), Self);
    }

    /// <summary>Recovery failed: logged, then the actor stops.</summary>
    protected virtual void OnRecoveryFailure(Exception reason, object? message) =>
        LogRecoveryFailure(Log, reason, PersistenceId);

    protected sealed override bool Receive(object message)
    {
        switch (message)
        {
            case StartRecovery:
                Cell.RunAsyncHandler(RecoverAsync);
                return true;
            case SaveSnapshotSuccess success:
                SnapshotSequenceNr = Math.Max(SnapshotSequenceNr, success.Metadata.SequenceNr);
                break;
        }

        bool handled;
        try
        {
            handled = _commandHandlers.Handle(message);
        }
        catch
        {
            // A failed command's events are not persisted (as with a restart, also under Resume).
            _pending.Clear();
            throw;
        }

        if (_pending.Count > 0)
        {
            SubmitPending();
        }

        // Snapshot and delete replies are the runtime's own; unhandled they are simply dropped.
        return handled || message is SaveSnapshotSuccess or SaveSnapshotFailure or DeleteMessagesSuccess or DeleteMessagesFailure;
    }

    internal override void AroundPreStart()
    {
        BeginRecovery();
        base.AroundPreStart();
    }

    internal override void AroundPostRestart(Exception reason)
    {
        BeginRecovery();
        base.AroundPostRestart(reason);
    }

    /// <summary>Recovery runs before anything already in the mailbox: its start message goes to the front.</summary>
    private void BeginRecovery()
    {
        IsRecovering = true;
        Cell.Mailbox.Messages.EnqueueFirst(new Envelope(StartRecovery.Instance, null));
    }

    private sealed class StartRecovery : INotInfluenceReceiveTimeout
    {
        public static readonly StartRecovery Instance = new();
    }

    private sealed record PendingInvocation(object[] Events, Action<object> Handler, long FirstSequenceNr, AtomicWriteOrRejection Write);

    private sealed record AtomicWriteOrRejection(Journal.AtomicWrite? Write, Exception? Rejection);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Persist failed for [{PersistenceId}] at sequence number {SequenceNr} ({EventType}); the actor stops")]
    private static partial void LogPersistFailure(ILogger logger, Exception exception, string persistenceId, long sequenceNr, string eventType);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Persist rejected for [{PersistenceId}] at sequence number {SequenceNr} ({EventType}); nothing was stored")]
    private static partial void LogPersistRejected(ILogger logger, Exception exception, string persistenceId, long sequenceNr, string eventType);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Recovery of [{PersistenceId}] failed; the actor stops")]
    private static partial void LogRecoveryFailure(ILogger logger, Exception exception, string persistenceId);
}

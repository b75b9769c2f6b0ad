using Cluster.Core.Actors;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence;

/// <summary>Persisting: events are serialized at once, stored as one group, then handled in order.</summary>
public abstract partial class ReceivePersistentActor
{
    /// <summary>Stores <paramref name="event"/>; <paramref name="handler"/> runs once it is stored. Commands wait until then.</summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull => PersistAll([@event], handler);

    /// <summary>Stores all <paramref name="events"/> atomically (all or none); the handler runs for each, in order.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (IsRecovering)
        {
            throw new InvalidOperationException($"[{PersistenceId}] cannot persist while recovering.");
        }

        var batch = events.Cast<object>().ToArray();
        if (batch.Length == 0)
        {
            return;
        }

        var first = _assignedSequenceNr + 1;
        AtomicWriteOrRejection write;
        try
        {
            var serialized = new JournalEvent[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                var (manifest, payload) = PersistenceExtension.Serialization.Serialize(batch[i]);
                serialized[i] = new JournalEvent(first + i, manifest, payload, TagsFor(batch[i]));
            }

            write = new AtomicWriteOrRejection(new AtomicWrite(PersistenceId, PersistenceExtension.WriterUuid, serialized), null);
            _assignedSequenceNr += batch.Length;
        }
        catch (PersistenceSerializationException e)
        {
            // Rejected before it reached the journal: no sequence number is used up.
            write = new AtomicWriteOrRejection(null, e);
        }

        _pending.Add(new PendingInvocation(batch, e => handler((TEvent)e), first, write));
    }

    /// <summary>Saves <paramref name="snapshot"/> at the current sequence number; the actor gets <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/>.</summary>
    protected void SaveSnapshot(object snapshot)
    {
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.System.TimeProvider.GetUtcNow());
        Task save;
        try
        {
            var (manifest, payload) = PersistenceExtension.Serialization.Serialize(snapshot);
            save = PersistenceExtension.SnapshotStore.SaveAsync(new SnapshotEntry(PersistenceId, metadata.SequenceNr, metadata.Timestamp.UtcTicks, manifest, payload));
        }
        catch (PersistenceSerializationException e)
        {
            save = Task.FromException(e);
        }

        NotifySelf(save, () => new SaveSnapshotSuccess(metadata), e => new SaveSnapshotFailure(metadata, e));
    }

    /// <summary>Deletes events up to <paramref name="toSequenceNr"/>; the actor gets <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr) =>
        NotifySelf(
            PersistenceExtension.Journal.DeleteMessagesToAsync(PersistenceId, toSequenceNr),
            () => new DeleteMessagesSuccess(toSequenceNr),
            e => new DeleteMessagesFailure(e, toSequenceNr));

    /// <summary>Deletes snapshots matching <paramref name="criteria"/> (fire and forget; failures are logged by the store).</summary>
    protected Task DeleteSnapshots(SnapshotSelectionCriteria criteria) =>
        PersistenceExtension.SnapshotStore.DeleteAsync(PersistenceId, criteria);

    /// <summary>
    /// Hands what the current command (or event handler) persisted to the journal, all at once,
    /// and keeps the mailbox waiting until it is stored and handled: the completion comes back to
    /// the actor as a system message, which runs the handlers with the command's sender.
    /// </summary>
    private void SubmitPending()
    {
        var round = new PersistRound(_pending.ToArray(), Cell.CurrentMessage, Cell.CurrentSender);
        _pending.Clear();
        round.Results = new Task<WriteResult>[round.Invocations.Length];
        for (var i = 0; i < round.Invocations.Length; i++)
        {
            var write = round.Invocations[i].Write;
            round.Results[i] = write.Write is { } w ? PersistenceExtension.Writer.WriteAsync(w) : Task.FromResult(WriteResult.Rejected(write.Rejection!));
        }

        Cell.SuspendMailbox();
        round.Owner = this;
        Task all = round.Results.Length == 1 ? round.Results[0] : Task.WhenAll(round.Results);
        var cell = Cell;
        all.ContinueWith(
            static (_, state) =>
            {
                var (cell, round) = ((ActorCell, PersistRound))state!;
                cell.PostSystem(new RunOnActor(static r => ((PersistRound)r!).Owner!.CompleteRound((PersistRound)r!), round, round.Message, round.Sender));
            },
            (cell, round),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>On the actor: run handlers (or report rejection/failure) in order, then let commands in again.</summary>
    private void CompleteRound(PersistRound round)
    {
        try
        {
            if (!ReferenceEquals(Cell.Actor, this))
            {
                // The actor restarted while the write was pending: the new incarnation recovers
                // these events from the journal; this one must not run its handlers.
                return;
            }

            for (var i = 0; i < round.Invocations.Length; i++)
            {
                var invocation = round.Invocations[i];
                var result = round.Results![i];
                if (!result.IsCompletedSuccessfully)
                {
                    var failure = result.Exception is { } aggregate ? Futures.Unwrap(aggregate) : new TaskCanceledException(result);
                    for (var e = 0; e < invocation.Events.Length; e++)
                    {
                        OnPersistFailure(failure, invocation.Events[e], invocation.FirstSequenceNr + e);
                    }

                    _pending.Clear();
                    Context.Stop(Self);
                    return;
                }

                if (result.Result.Rejection is { } rejection)
                {
                    for (var e = 0; e < invocation.Events.Length; e++)
                    {
                        OnPersistRejected(rejection, invocation.Events[e], invocation.FirstSequenceNr + e);
                    }

                    if (rejection is SequenceConflictException)
                    {
                        // Another writer owns these sequence numbers: this incarnation's state is
                        // stale. It stops (its supervisor restarts it, and recovery reads the truth)
                        // rather than writing on top of someone else's history.
                        _pending.Clear();
                        Context.Stop(Self);
                        return;
                    }

                    continue;
                }

                var orderings = result.Result.Orderings;
                for (var e = 0; e < invocation.Events.Length; e++)
                {
                    // Each handler sees its own event's sequence number (as in Akka) and ordering.
                    LastSequenceNr = invocation.FirstSequenceNr + e;
                    LastOrdering = orderings[e];
                    invocation.Handler(invocation.Events[e]);
                    MaybeSnapshot(LastSequenceNr);
                }
            }

            // Handlers that persisted again extend the wait with a new round.
            if (_pending.Count > 0)
            {
                SubmitPending();
            }
        }
        finally
        {
            Cell.ResumeMailbox();
        }
    }

    private sealed class PersistRound(PendingInvocation[] invocations, object? message, IActorRef? sender)
    {
        public PendingInvocation[] Invocations { get; } = invocations;

        public object? Message { get; } = message;

        public IActorRef? Sender { get; } = sender;

        public Task<WriteResult>[]? Results { get; set; }

        public ReceivePersistentActor? Owner { get; set; }
    }

    /// <summary>Tells this actor how <paramref name="task"/> ended.</summary>
    private void NotifySelf(Task task, Func<object> success, Func<Exception, object> failure)
    {
        var self = Self;
        _ = task.ContinueWith(
            t => self.Tell(t.IsCompletedSuccessfully ? success() : failure(t.Exception is { } e ? Futures.Unwrap(e) : new TaskCanceledException(t)), self),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void MaybeSnapshot(long sequenceNr)
    {
        var every = SnapshotEvery;
        if (every > 0 && sequenceNr % every == 0 && SnapshotState() is { } state)
        {
            SaveSnapshot(state);
        }
    }
}

namespace Cluster.Core.Persistence;

/// <summary>Recovery: snapshot, replay, RecoveryCompleted; with the mailbox waiting throughout.</summary>
public abstract partial class ReceivePersistentActor
{
    private RecoveryPermit? _recoveryPermit;

    /// <summary>A stop or restart during recovery gives the permit back (the recovery's own finally never runs then).</summary>
    internal override void AroundPostStop()
    {
        _recoveryPermit?.Release();
        base.AroundPostStop();
    }

    internal override void AroundPreRestart(Exception reason, object? message)
    {
        _recoveryPermit?.Release();
        base.AroundPreRestart(reason, message);
    }

    private async Task RecoverAsync()
    {
        var persistence = PersistenceExtension;
        var recovery = Recovery;
        object? current = null;
        var permit = _recoveryPermit = new RecoveryPermit(persistence.RecoveryPermits);
        await permit.AcquireAsync();
        try
        {
            var snapshot = recovery.FromSnapshot.MaxSequenceNr == 0
                ? null
                : await persistence.SnapshotStore.LoadAsync(PersistenceId, recovery.FromSnapshot);
            if (snapshot is not null)
            {
                var state = persistence.Serialization.Deserialize(snapshot.Manifest, snapshot.Payload, PersistenceId, snapshot.SequenceNr);
                LastSequenceNr = SnapshotSequenceNr = snapshot.SequenceNr;

                // Snapshots do not record an ordering; an actor that needs it keeps it in its snapshot state.
                LastOrdering = 0;
                current = new SnapshotOffer(new SnapshotMetadata(PersistenceId, snapshot.SequenceNr, new DateTimeOffset(snapshot.Timestamp, TimeSpan.Zero)), state);
                _recoverHandlers.Handle(current);
            }

            var highest = await persistence.Journal.ReadHighestSequenceNrAsync(PersistenceId, LastSequenceNr);
            var to = Math.Min(highest, recovery.ToSequenceNr);
            if (recovery.ReplayMax > 0 && to > LastSequenceNr)
            {
                await foreach (var entry in persistence.Journal.ReplayAsync(PersistenceId, LastSequenceNr + 1, to, recovery.ReplayMax))
                {
                    current = entry;
                    var @event = persistence.Serialization.Deserialize(entry.Manifest, entry.Payload, PersistenceId, entry.SequenceNr);
                    LastSequenceNr = entry.SequenceNr;
                    LastOrdering = entry.Ordering;
                    _recoverHandlers.Handle(@event);
                }
            }

            // Deleted or skipped events still count: new events continue after the highest ever stored.
            LastSequenceNr = _assignedSequenceNr = Math.Max(LastSequenceNr, highest);
            IsRecovering = false;
            current = RecoveryCompleted.Instance;
            _recoverHandlers.Handle(RecoveryCompleted.Instance);

            // Events persisted in the RecoveryCompleted handler go out now, before any command.
            if (_pending.Count > 0)
            {
                SubmitPending();
            }
        }
        catch (Exception e)
        {
            OnRecoveryFailure(e, current);
            Context.Stop(Self);
        }
        finally
        {
            permit.Release();
        }
    }
}

namespace Cluster.Core.Persistence;

/// <summary>Sent to <c>Recover</c> handlers last, once replay is done (also for a brand-new id).</summary>
public sealed class RecoveryCompleted
{
    public static readonly RecoveryCompleted Instance = new();

    private RecoveryCompleted()
    {
    }
}

/// <summary>Identifies a snapshot.</summary>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);

/// <summary>Offered to <c>Recover</c> handlers first when recovery starts from a snapshot.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

public sealed record DeleteMessagesSuccess(long ToSequenceNr);

public sealed record DeleteMessagesFailure(Exception Cause, long ToSequenceNr);

/// <summary>How a persistent actor recovers (Akka's Recovery).</summary>
public sealed record Recovery(Journal.SnapshotSelectionCriteria FromSnapshot, long ToSequenceNr = long.MaxValue, long ReplayMax = long.MaxValue)
{
    /// <summary>Latest snapshot, then every later event.</summary>
    public static Recovery Default { get; } = new(Journal.SnapshotSelectionCriteria.Latest);

    /// <summary>Skip recovery: start empty at the highest sequence number.</summary>
    public static Recovery None { get; } = new(Journal.SnapshotSelectionCriteria.None, 0, 0);
}

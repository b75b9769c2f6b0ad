namespace Cluster.Core.Persistence.Journal;

/// <summary>One serialized event on its way into the journal.</summary>
/// <param name="SequenceNr">Its place in its persistence id's history (1, 2, 3, ... without holes).</param>
/// <param name="Manifest">The stable name of the payload's type (never a CLR type name).</param>
/// <param name="Payload">The serialized event.</param>
/// <param name="Tags">Tags for EventsByTag queries (at most 64 characters each).</param>
/// <param name="SerializerId">The Akka serializer that wrote <paramref name="Payload"/> (the journal's <c>identifier</c> column); 0 when none is recorded.</param>
public sealed record JournalEvent(long SequenceNr, string Manifest, ReadOnlyMemory<byte> Payload, IReadOnlyList<string> Tags, int SerializerId = 0);

/// <summary>
/// Events of one persistence id that are stored all or none (one <c>Persist</c> or <c>PersistAll</c>).
/// A batch handed to <see cref="IJournal.WriteAsync"/> may hold many of them; the batch is only a
/// performance unit (one transaction for many actors: group commit).
/// </summary>
public sealed record AtomicWrite(string PersistenceId, string WriterUuid, IReadOnlyList<JournalEvent> Events)
{
    public long LowestSequenceNr => Events[0].SequenceNr;

    public long HighestSequenceNr => Events[^1].SequenceNr;

    /// <summary>Throws unless the write is non-empty and its sequence numbers are contiguous and ascending.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(PersistenceId);
        if (PersistenceId.Length > 255)
        {
            throw new ArgumentException($"Persistence id is longer than 255 characters: {PersistenceId[..40]}...");
        }

        if (Events.Count == 0)
        {
            throw new ArgumentException($"An atomic write for [{PersistenceId}] has no events.");
        }

        foreach (var e in Events)
        {
            // The SQL schemas cap these columns; checking here makes an oversized value a rejection
            // of this write instead of a failure of the whole batch.
            if (e.Manifest.Length > 500)
            {
                throw new ArgumentException($"Manifest of [{PersistenceId}] event {e.SequenceNr} is longer than 500 characters.");
            }

            foreach (var tag in e.Tags)
            {
                if (string.IsNullOrEmpty(tag) || tag.Length > 64)
                {
                    throw new ArgumentException($"Tag of [{PersistenceId}] event {e.SequenceNr} is empty or longer than 64 characters.");
                }
            }
        }

        for (var i = 1; i < Events.Count; i++)
        {
            if (Events[i].SequenceNr != Events[i - 1].SequenceNr + 1)
            {
                throw new ArgumentException($"Sequence numbers of an atomic write for [{PersistenceId}] are not contiguous: {Events[i - 1].SequenceNr} then {Events[i].SequenceNr}.");
            }
        }
    }
}

/// <summary>An event as read back from the journal.</summary>
/// <param name="Ordering">The global position: increases in commit order, so a reader at N has seen every event below N.</param>
/// <param name="Timestamp">Write time in UTC ticks.</param>
public sealed record JournalEntry(
    long Ordering,
    string PersistenceId,
    long SequenceNr,
    string Manifest,
    byte[] Payload,
    IReadOnlyList<string> Tags,
    string WriterUuid,
    long Timestamp,
    int SerializerId = 0);

/// <summary>A stored snapshot of one persistence id's state.</summary>
public sealed record SnapshotEntry(string PersistenceId, long SequenceNr, long Timestamp, string Manifest, byte[] Payload, int SerializerId = 0);

/// <summary>Which snapshots a load or delete considers (Akka's SnapshotSelectionCriteria).</summary>
public sealed record SnapshotSelectionCriteria(
    long MaxSequenceNr = long.MaxValue,
    long MaxTimestamp = long.MaxValue,
    long MinSequenceNr = 0,
    long MinTimestamp = 0)
{
    /// <summary>The youngest snapshot.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new();

    /// <summary>No snapshot at all.</summary>
    public static SnapshotSelectionCriteria None { get; } = new(MaxSequenceNr: 0, MaxTimestamp: 0);

    public bool Matches(SnapshotEntry snapshot) =>
        snapshot.SequenceNr <= MaxSequenceNr && snapshot.Timestamp <= MaxTimestamp &&
        snapshot.SequenceNr >= MinSequenceNr && snapshot.Timestamp >= MinTimestamp;
}

/// <summary>What compaction may remove: history older than <see cref="OlderThan"/> (UTC ticks) that no one can need.</summary>
public sealed record CompactionRequest(long OlderThan);

/// <summary>What a compaction run removed.</summary>
public sealed record CompactionResult(long EventsRemoved, long SnapshotsRemoved, long CompactedThroughOrdering);

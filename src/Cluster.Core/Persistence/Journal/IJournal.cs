namespace Cluster.Core.Persistence.Journal;

/// <summary>
/// The event journal (Akka's AsyncWriteJournal plus the read side of Persistence Query). One
/// contract, several stores: in-memory for unit tests, SQLite embedded, PostgreSQL across hosts;
/// one contract test suite runs against all of them.
/// </summary>
public interface IJournal : IAsyncDisposable
{
    /// <summary>Signalled after every commit, so live queries wake within milliseconds.</summary>
    JournalNotifier Notifier { get; }

    /// <summary>Creates the schema and runs pending migrations.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch. Returns one result per write, in order: when it is durably stored, the
    /// orderings assigned to its events (one per event, ascending, each above every ordering
    /// committed before this batch, and equal to what the read side reports for that event); when
    /// it was rejected and nothing of it was stored (for example a sequence number that already
    /// exists), the rejection. Throws when the store itself failed: then nothing is known, and
    /// every writer in the batch must treat its write as failed.
    /// </summary>
    Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>Events of one persistence id with <paramref name="fromSequenceNr"/> ≤ seq ≤ <paramref name="toSequenceNr"/>, ascending, at most <paramref name="max"/>.</summary>
    IAsyncEnumerable<JournalEntry> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number ever stored for the id (deletions never lower it), or 0.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Deletes (logically, at once; physically at compaction) the id's events up to <paramref name="toSequenceNr"/>, atomically.</summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Committed events carrying <paramref name="tag"/> with ordering &gt; <paramref name="afterOrdering"/>, ascending, at most <paramref name="limit"/>.</summary>
    IAsyncEnumerable<JournalEntry> CurrentEventsByTagAsync(string tag, long afterOrdering, int limit, CancellationToken cancellationToken = default);

    /// <summary>All committed events with ordering &gt; <paramref name="afterOrdering"/>, ascending, at most <paramref name="limit"/>.</summary>
    IAsyncEnumerable<JournalEntry> CurrentAllEventsAsync(long afterOrdering, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="CurrentAllEventsAsync"/>, but never refuses a range that compaction has
    /// thinned out: it returns what is still stored. For readers that rebuild state from each
    /// id's latest event (which compaction always keeps), such as the registry's watch cache.
    /// </summary>
    IAsyncEnumerable<JournalEntry> CurrentStoredEventsAsync(long afterOrdering, int limit, CancellationToken cancellationToken = default);

    /// <summary>Persistence ids that have events not deleted.</summary>
    IAsyncEnumerable<string> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>The highest ordering committed (0 when empty).</summary>
    Task<long> HighestOrderingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Orderings at or below this have been compacted away: a reader that needs them must re-list
    /// (Kubernetes' 410 Gone). 0 when nothing was compacted.
    /// </summary>
    Task<long> CompactedThroughOrderingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes history nobody can need: events older than the request's cut-off that are covered
    /// by their id's latest snapshot, and deleted events older than the cut-off. An id's highest
    /// sequence number is never forgotten: its row stays unless it is deleted, and then the
    /// number is kept aside (SQL journals: journal_metadata).
    /// </summary>
    Task<CompactionResult> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The snapshot store (Akka's SnapshotStore).</summary>
public interface ISnapshotStore : IAsyncDisposable
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>The youngest snapshot matching the criteria, or null.</summary>
    Task<SnapshotEntry?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) the snapshot at its sequence number.</summary>
    Task SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default);

    Task DeleteAsync(string persistenceId, long sequenceNr, CancellationToken cancellationToken = default);

    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}

/// <summary>A write was rejected because the sequence number is already taken (another writer got there first).</summary>
public sealed class SequenceConflictException : Exception
{
    public SequenceConflictException()
    {
    }

    public SequenceConflictException(string message)
        : base(message)
    {
    }

    public SequenceConflictException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public SequenceConflictException(string persistenceId, long sequenceNr, Exception? inner = null)
        : base($"Sequence number {sequenceNr} of [{persistenceId}] is already taken by another writer.", inner)
    {
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
    }

    public string? PersistenceId { get; }

    public long SequenceNr { get; }
}

/// <summary>Readers asked for history that compaction has removed; they must start again from a fresh read.</summary>
public sealed class JournalCompactedException : Exception
{
    public JournalCompactedException()
    {
    }

    public JournalCompactedException(string message)
        : base(message)
    {
    }

    public JournalCompactedException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public JournalCompactedException(long requested, long compactedThrough)
        : base($"Events after ordering {requested} are no longer available: the journal is compacted through {compactedThrough}.")
    {
        Requested = requested;
        CompactedThrough = compactedThrough;
    }

    public long Requested { get; }

    public long CompactedThrough { get; }
}

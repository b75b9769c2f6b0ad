using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Tests.Persistence;

/// <summary>A journal that forwards everything to another; test doubles override only what they change.</summary>
public class DelegatingJournal(IJournal inner, bool disposeInner = true) : IJournal
{
    protected IJournal Inner { get; } = inner;

    public virtual JournalNotifier Notifier => Inner.Notifier;

    public virtual Task InitializeAsync(CancellationToken cancellationToken = default) => Inner.InitializeAsync(cancellationToken);

    public virtual Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Inner.WriteAsync(writes, cancellationToken);

    public virtual IAsyncEnumerable<JournalEntry> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        Inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    public virtual Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        Inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public virtual Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public virtual IAsyncEnumerable<JournalEntry> CurrentEventsByTagAsync(string tag, long afterOrdering, int limit, CancellationToken cancellationToken = default) =>
        Inner.CurrentEventsByTagAsync(tag, afterOrdering, limit, cancellationToken);

    public virtual IAsyncEnumerable<JournalEntry> CurrentAllEventsAsync(long afterOrdering, int limit, CancellationToken cancellationToken = default) =>
        Inner.CurrentAllEventsAsync(afterOrdering, limit, cancellationToken);

    public virtual IAsyncEnumerable<JournalEntry> CurrentStoredEventsAsync(long afterOrdering, int limit, CancellationToken cancellationToken = default) =>
        Inner.CurrentStoredEventsAsync(afterOrdering, limit, cancellationToken);

    public virtual IAsyncEnumerable<string> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default) => Inner.CurrentPersistenceIdsAsync(cancellationToken);

    public virtual Task<long> HighestOrderingAsync(CancellationToken cancellationToken = default) => Inner.HighestOrderingAsync(cancellationToken);

    public virtual Task<long> CompactedThroughOrderingAsync(CancellationToken cancellationToken = default) => Inner.CompactedThroughOrderingAsync(cancellationToken);

    public virtual Task<CompactionResult> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default) => Inner.CompactAsync(request, cancellationToken);

    public virtual ValueTask DisposeAsync() => disposeInner ? Inner.DisposeAsync() : ValueTask.CompletedTask;
}

using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Tests.Persistence;

/// <summary>The contract against the in-memory reference journal.</summary>
public sealed class InMemoryJournalSpec : JournalContractSpec
{
    private InMemoryJournal? _journal;

    protected override Task<(IJournal Journal, ISnapshotStore Snapshots)> CreateStoresAsync()
    {
        var snapshots = new InMemorySnapshotStore();
        _journal = new InMemoryJournal(Clock, snapshots);
        return Task.FromResult<(IJournal, ISnapshotStore)>((_journal, snapshots));
    }

    /// <summary>The in-memory store lives in one object, so a "second instance" is that object again.</summary>
    protected override Task<IJournal> OpenSecondJournalAsync() => Task.FromResult<IJournal>(new NonDisposing(_journal!));

    private sealed class NonDisposing(IJournal inner) : IJournal
    {
        public JournalNotifier Notifier => inner.Notifier;

        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

        public Task<IReadOnlyList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) => inner.WriteAsync(writes, cancellationToken);

        public IAsyncEnumerable<JournalEntry> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
            inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

        public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
            inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

        public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
            inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

        public IAsyncEnumerable<JournalEntry> CurrentEventsByTagAsync(string tag, long afterOrdering, int limit, CancellationToken cancellationToken = default) =>
            inner.CurrentEventsByTagAsync(tag, afterOrdering, limit, cancellationToken);

        public IAsyncEnumerable<JournalEntry> CurrentAllEventsAsync(long afterOrdering, int limit, CancellationToken cancellationToken = default) =>
            inner.CurrentAllEventsAsync(afterOrdering, limit, cancellationToken);

        public IAsyncEnumerable<string> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default) => inner.CurrentPersistenceIdsAsync(cancellationToken);

        public Task<long> HighestOrderingAsync(CancellationToken cancellationToken = default) => inner.HighestOrderingAsync(cancellationToken);

        public Task<long> CompactedThroughOrderingAsync(CancellationToken cancellationToken = default) => inner.CompactedThroughOrderingAsync(cancellationToken);

        public Task<CompactionResult> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default) => inner.CompactAsync(request, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

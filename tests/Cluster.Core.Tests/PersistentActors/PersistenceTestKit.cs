using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Cluster.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.PersistentActors;

/// <summary>A TestKit whose system has persistence installed on the in-memory journal (or one given by a subclass).</summary>
public abstract class PersistenceTestKit : TestKit.TestKit
{
    protected PersistenceTestKit(ITestOutputHelper output, IJournal? journal = null, PersistenceSettings? settings = null, TestKitOptions? options = null)
        : base(output, options)
    {
        Snapshots = new InMemorySnapshotStore();
        Journal = journal ?? new InMemoryJournal(TimeProvider.System, Snapshots);
        Serialization = new PersistenceSerialization()
            .Register("incremented.v1", TestEventsContext.Default.Incremented)
            .Register("counter-snapshot.v1", TestEventsContext.Default.CounterSnapshot);
        Persistence = Cluster.Core.Persistence.Persistence.Install(Sys, Journal, Snapshots, Serialization, settings);
    }

    protected IJournal Journal { get; }

    protected InMemorySnapshotStore Snapshots { get; }

    protected PersistenceSerialization Serialization { get; }

    protected Cluster.Core.Persistence.Persistence Persistence { get; }
}

/// <summary>Wraps a journal to count batches and hold writes at a gate.</summary>
public sealed class InstrumentedJournal(IJournal inner) : IJournal
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _batchSizes = new();

    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public IReadOnlyCollection<int> BatchSizes => _batchSizes;

    public JournalNotifier Notifier => inner.Notifier;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public async Task<IReadOnlyList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        _batchSizes.Enqueue(writes.Count);
        await Task.Run(() => Gate.Wait(TimeSpan.FromSeconds(30)), cancellationToken);
        return await inner.WriteAsync(writes, cancellationToken);
    }

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

    public ValueTask DisposeAsync()
    {
        Gate.Dispose();
        return inner.DisposeAsync();
    }
}

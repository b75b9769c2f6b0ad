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
public sealed class InstrumentedJournal(IJournal inner) : Persistence.DelegatingJournal(inner)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _batchSizes = new();

    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public IReadOnlyCollection<int> BatchSizes => _batchSizes;

    public override async Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        _batchSizes.Enqueue(writes.Count);
        await Task.Run(() => Gate.Wait(TimeSpan.FromSeconds(30)), cancellationToken);
        return await Inner.WriteAsync(writes, cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        Gate.Dispose();
        return base.DisposeAsync();
    }
}

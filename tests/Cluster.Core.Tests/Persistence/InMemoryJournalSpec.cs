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

    private sealed class NonDisposing(IJournal inner) : DelegatingJournal(inner, disposeInner: false);
}

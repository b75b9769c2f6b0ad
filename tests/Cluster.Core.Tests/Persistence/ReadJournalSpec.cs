using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Query;

namespace Cluster.Core.Tests.Persistence;

public sealed class ReadJournalSpec
{
    private readonly PersistenceSerialization _serialization = new PersistenceSerialization()
        .Register("incremented.v1", TestEventsContext.Default.Incremented);

    private async Task Write(IJournal journal, string id, long seq, int by, params string[] tags)
    {
        var (manifest, payload) = _serialization.Serialize(new Incremented(by));
        var result = await journal.WriteAsync([new AtomicWrite(id, "w", [new JournalEvent(seq, manifest, payload, tags)])]);
        Assert.Null(result[0].Rejection);
    }

    [Fact]
    public async Task CurrentEventsByTag_ReturnsOnlyTaggedInOrderingOrder_AndEnds()
    {
        var journal = new InMemoryJournal();
        await Write(journal, "a", 1, 1, "t");
        await Write(journal, "b", 1, 2);
        await Write(journal, "a", 2, 3, "t");
        var read = new ReadJournal(journal, _serialization);
        var events = await read.CurrentEventsByTag("t").ToListAsync();
        Assert.Equal([1, 3], events.Select(e => ((Incremented)e.Event).By));
        Assert.True(events[0].Ordering < events[1].Ordering);
        Assert.Equal([3], (await read.CurrentEventsByTag("t", afterOrdering: events[0].Ordering).ToListAsync()).Select(e => ((Incremented)e.Event).By));
    }

    [Fact]
    public async Task EventsByTag_Live_DeliversEventsCommittedAfterSubscribing()
    {
        var journal = new InMemoryJournal();
        await Write(journal, "a", 1, 1, "t");
        var read = new ReadJournal(journal, _serialization, settings: new ReadJournalSettings(TimeSpan.FromMinutes(10), 500));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var live = read.EventsByTag("t", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await live.MoveNextAsync());
        Assert.Equal(1, ((Incremented)live.Current.Event).By);

        // Refresh is 10 minutes: only the commit notification can deliver these in time.
        var next = live.MoveNextAsync().AsTask();
        await Write(journal, "b", 1, 2);
        await Write(journal, "b", 2, 3, "t");
        Assert.True(await next);
        Assert.Equal(("b", 2L), (live.Current.PersistenceId, live.Current.SequenceNr));
    }

    [Fact]
    public async Task AllEvents_Live_WithoutNotification_FallsBackToPolling()
    {
        var journal = new InMemoryJournal();
        var silent = new SilentNotifierJournal(journal);
        var read = new ReadJournal(silent, _serialization, settings: new ReadJournalSettings(TimeSpan.FromMilliseconds(50), 500));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var live = read.AllEvents(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var next = live.MoveNextAsync().AsTask();
        await Write(journal, "x", 1, 7);
        Assert.True(await next);
        Assert.Equal(7, ((Incremented)live.Current.Event).By);
    }

    [Fact]
    public async Task EventsByPersistenceId_Live_ContinuesFromLastSequenceNumber()
    {
        var journal = new InMemoryJournal();
        await Write(journal, "p", 1, 1);
        var read = new ReadJournal(journal, _serialization);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var live = read.EventsByPersistenceId("p", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await live.MoveNextAsync());
        var next = live.MoveNextAsync().AsTask();
        await Write(journal, "other", 1, 9);
        await Write(journal, "p", 2, 2);
        Assert.True(await next);
        Assert.Equal(2L, live.Current.SequenceNr);
    }

    [Fact]
    public async Task PersistenceIds_Live_YieldsEachIdOnce_ThenNewOnes()
    {
        var journal = new InMemoryJournal();
        await Write(journal, "one", 1, 1);
        await Write(journal, "one", 2, 1);
        var read = new ReadJournal(journal, _serialization);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var live = read.PersistenceIds(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await live.MoveNextAsync());
        Assert.Equal("one", live.Current);
        var next = live.MoveNextAsync().AsTask();
        await Write(journal, "two", 1, 1);
        Assert.True(await next);
        Assert.Equal("two", live.Current);
    }

    [Fact]
    public async Task CurrentAllEvents_CommitsWhileReading_EndsAtWhatWasCommittedWhenItStarted()
    {
        var journal = new InMemoryJournal();
        await Write(journal, "a", 1, 1);
        await Write(journal, "a", 2, 2);

        // One event per round trip: the query is still reading when the third event commits.
        var read = new ReadJournal(journal, _serialization, settings: new ReadJournalSettings(TimeSpan.FromMinutes(10), 1));
        await using var current = read.CurrentAllEvents().GetAsyncEnumerator();
        Assert.True(await current.MoveNextAsync());
        await Write(journal, "b", 1, 3);

        Assert.True(await current.MoveNextAsync());
        Assert.Equal(2, ((Incremented)current.Current.Event).By);
        Assert.False(await current.MoveNextAsync());
    }

    [Fact]
    public async Task CurrentEventsByPersistenceId_CommitsWhileReading_EndsAtTheHighestSequenceNrWhenItStarted()
    {
        var journal = new InMemoryJournal();
        await Write(journal, "a", 1, 1);
        await Write(journal, "a", 2, 2);
        var read = new ReadJournal(journal, _serialization, settings: new ReadJournalSettings(TimeSpan.FromMinutes(10), 1));
        await using var current = read.CurrentEventsByPersistenceId("a").GetAsyncEnumerator();
        Assert.True(await current.MoveNextAsync());
        await Write(journal, "a", 3, 3);

        Assert.True(await current.MoveNextAsync());
        Assert.Equal(2L, current.Current.SequenceNr);
        Assert.False(await current.MoveNextAsync());
    }

    [Fact]
    public async Task CompactedHistory_ReadBelowIt_ThrowsCompacted()
    {
        var snapshots = new InMemorySnapshotStore();
        var journal = new InMemoryJournal(TimeProvider.System, snapshots);
        for (var i = 1; i <= 3; i++)
        {
            await Write(journal, "c", i, i);
        }

        await snapshots.SaveAsync(new SnapshotEntry("c", 2, DateTime.UtcNow.Ticks, "s", []));
        var result = await journal.CompactAsync(new CompactionRequest(DateTime.UtcNow.AddMinutes(1).Ticks));
        Assert.Equal(2, result.EventsRemoved);
        var read = new ReadJournal(journal, _serialization);
        await Assert.ThrowsAsync<JournalCompactedException>(async () => await read.CurrentAllEvents(0).ToListAsync());
        Assert.Single(await read.CurrentAllEvents(result.CompactedThroughOrdering).ToListAsync());
    }

    /// <summary>A journal whose commits are never announced (as for writes from another process).</summary>
    private sealed class SilentNotifierJournal(InMemoryJournal inner) : Persistence.DelegatingJournal(inner)
    {
        public override JournalNotifier Notifier { get; } = new();
    }
}

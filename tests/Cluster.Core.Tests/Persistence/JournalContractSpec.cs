using System.Text;
using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Core.Tests.Persistence;

/// <summary>
/// The journal contract (Akka's JournalSpec and SnapshotStoreSpec as the checklist), run against
/// every implementation by the subclasses. Each test gets a fresh, empty store.
/// </summary>
public abstract partial class JournalContractSpec : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected IJournal Journal { get; private set; } = null!;

    protected ISnapshotStore Snapshots { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (Journal, Snapshots) = await CreateStoresAsync();
        await Journal.InitializeAsync();
        await Snapshots.InitializeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Journal.DisposeAsync();
        await Snapshots.DisposeAsync();
    }

    /// <summary>A fresh journal and snapshot store over one empty store, using <see cref="Clock"/>.</summary>
    protected abstract Task<(IJournal Journal, ISnapshotStore Snapshots)> CreateStoresAsync();

    /// <summary>Another, independent journal instance over the same store (a second node or process), initialized.</summary>
    protected abstract Task<IJournal> OpenSecondJournalAsync();

    protected static AtomicWrite Write(string persistenceId, long from, int count, params string[] tags) =>
        new(persistenceId, "writer-1", Enumerable.Range(0, count)
            .Select(i => new JournalEvent(from + i, "test-event", Encoding.UTF8.GetBytes($"{persistenceId}-{from + i}"), tags))
            .ToArray());

    protected async Task WriteOkAsync(params AtomicWrite[] writes)
    {
        var results = await Journal.WriteAsync(writes);
        Assert.All(results, r => Assert.Null(r.Rejection));
    }

    protected async Task<List<long>> ReplaySeqsAsync(string persistenceId, long from = 1, long to = long.MaxValue, long max = long.MaxValue) =>
        await Journal.ReplayAsync(persistenceId, from, to, max).Select(e => e.SequenceNr).ToListAsync();

    [JournalFact]
    public async Task Replay_FullRange_ReturnsEveryEventInSequenceOrderWithItsContent()
    {
        await WriteOkAsync(Write("a", 1, 3));
        await WriteOkAsync(Write("a", 4, 2));

        var events = await Journal.ReplayAsync("a", 1, long.MaxValue, long.MaxValue).ToListAsync();

        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.SequenceNr));
        Assert.All(events, e => Assert.Equal("a", e.PersistenceId));
        Assert.All(events, e => Assert.Equal("test-event", e.Manifest));
        Assert.All(events, e => Assert.Equal("writer-1", e.WriterUuid));
        Assert.Equal("a-4", Encoding.UTF8.GetString(events[3].Payload));
        Assert.Equal(Clock.GetUtcNow().UtcTicks, events[0].Timestamp);
    }

    [JournalFact]
    public async Task Replay_RangeAndMax_ReturnsOnlyThatWindow()
    {
        await WriteOkAsync(Write("a", 1, 5));

        Assert.Equal([2L, 3, 4], await ReplaySeqsAsync("a", 2, 4));
        Assert.Equal([2L, 3], await ReplaySeqsAsync("a", 2, 5, max: 2));
        Assert.Equal([5L], await ReplaySeqsAsync("a", 5, 10));
        Assert.Empty(await ReplaySeqsAsync("a", 1, 5, max: 0));
        Assert.Empty(await ReplaySeqsAsync("a", 4, 3));
        Assert.Empty(await ReplaySeqsAsync("unknown"));
    }

    [JournalFact]
    public async Task ReadHighestSequenceNr_UnknownId_IsZero()
    {
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("unknown", 0));
    }

    [JournalFact]
    public async Task ReadHighestSequenceNr_AfterDeletingEverything_StaysAtHighestWritten()
    {
        await WriteOkAsync(Write("a", 1, 5));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("a", 0));

        await Journal.DeleteMessagesToAsync("a", 5);

        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("a", 0));
        Assert.Empty(await ReplaySeqsAsync("a"));
    }

    [JournalFact]
    public async Task DeleteMessagesTo_MiddleOfHistory_HidesOnlyEventsUpToIt()
    {
        await WriteOkAsync(Write("a", 1, 5), Write("b", 1, 2));

        await Journal.DeleteMessagesToAsync("a", 3);

        Assert.Equal([4L, 5], await ReplaySeqsAsync("a"));
        Assert.Equal([1L, 2], await ReplaySeqsAsync("b"));
    }

    [JournalFact]
    public async Task DeleteMessagesTo_BeyondHighest_KeepsLaterEventsVisible()
    {
        await WriteOkAsync(Write("a", 1, 2));

        await Journal.DeleteMessagesToAsync("a", 100);
        await WriteOkAsync(Write("a", 3, 1));

        Assert.Equal([3L], await ReplaySeqsAsync("a"));
    }

    [JournalFact]
    public async Task WriteAsync_ConflictInBatch_RejectsOnlyThatWriteAndStoresTheOthers()
    {
        await WriteOkAsync(Write("b", 1, 1));

        var results = await Journal.WriteAsync([Write("a", 1, 2), Write("b", 1, 3), Write("c", 1, 1)]);

        Assert.Null(results[0].Rejection);
        var conflict = Assert.IsType<SequenceConflictException>(results[1].Rejection);
        Assert.Equal("b", conflict.PersistenceId);
        Assert.Equal(1, conflict.SequenceNr);
        Assert.Null(results[2].Rejection);
        Assert.Equal([1L, 2], await ReplaySeqsAsync("a"));
        Assert.Equal([1L], await ReplaySeqsAsync("b"));
        Assert.Equal(1, await Journal.ReadHighestSequenceNrAsync("b", 0));
        Assert.Equal([1L], await ReplaySeqsAsync("c"));
    }

    [JournalFact]
    public async Task WriteAsync_InvalidWriteInBatch_RejectedWithoutFailingTheOthers()
    {
        var holes = new AtomicWrite("a", "w", [new JournalEvent(1, "m", new byte[] { 1 }, []), new JournalEvent(3, "m", new byte[] { 3 }, [])]);
        var longTag = Write("b", 1, 1, new string('x', 65));

        var results = await Journal.WriteAsync([holes, longTag, Write("c", 1, 1)]);

        Assert.IsType<ArgumentException>(results[0].Rejection);
        Assert.IsType<ArgumentException>(results[1].Rejection);
        Assert.Null(results[2].Rejection);
        Assert.Empty(await ReplaySeqsAsync("a"));
        Assert.Empty(await ReplaySeqsAsync("b"));
        Assert.Equal([1L], await ReplaySeqsAsync("c"));
    }

    [JournalFact]
    public async Task WriteAsync_SameIdTwiceInOneBatch_StoresBothInOrderAndRejectsAnOverlap()
    {
        var results = await Journal.WriteAsync([Write("a", 1, 2), Write("a", 3, 2), Write("a", 4, 1)]);

        Assert.Null(results[0].Rejection);
        Assert.Null(results[1].Rejection);
        Assert.IsType<SequenceConflictException>(results[2].Rejection);
        Assert.Equal([1L, 2, 3, 4], await ReplaySeqsAsync("a"));
    }

    [JournalFact]
    public async Task WriteAsync_AcrossInstancesConcurrently_ExactlyOneWriterWinsEachSequenceNr()
    {
        const int SequenceNumbers = 15;
        await using var second = await OpenSecondJournalAsync();
        var journals = new[] { Journal, second, Journal, second };
        var wins = new int[SequenceNumbers + 1];

        // Every writer tries every sequence number in turn; all start together.
        using var go = new ManualResetEventSlim();
        var writers = journals.Select((journal, w) => Task.Run(async () =>
        {
            go.Wait();
            for (var seq = 1; seq <= SequenceNumbers; seq++)
            {
                var write = new AtomicWrite("contended", $"writer-{w}", [new JournalEvent(seq, "m", new byte[] { (byte)w }, [])]);
                var result = (await journal.WriteAsync([write]))[0].Rejection;
                if (result is null)
                {
                    Interlocked.Increment(ref wins[seq]);
                }
                else
                {
                    Assert.IsType<SequenceConflictException>(result);
                }
            }
        })).ToArray();
        go.Set();
        await Task.WhenAll(writers);

        Assert.All(wins.Skip(1), count => Assert.Equal(1, count));
        Assert.Equal(Enumerable.Range(1, SequenceNumbers).Select(i => (long)i), await ReplaySeqsAsync("contended"));
    }
}

using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Tests.Persistence;

public abstract partial class JournalContractSpec
{
    [JournalFact]
    public async Task CurrentAllEvents_AfterOffset_ReturnsCommittedEventsInIncreasingOrderingExclusively()
    {
        await WriteOkAsync(Write("a", 1, 2), Write("b", 1, 1));
        await WriteOkAsync(Write("a", 3, 1));

        var all = await Journal.CurrentAllEventsAsync(0, 100).ToListAsync();

        Assert.Equal(["a:1", "a:2", "b:1", "a:3"], all.Select(e => $"{e.PersistenceId}:{e.SequenceNr}"));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Ordering < p.Second.Ordering));
        var afterSecond = await Journal.CurrentAllEventsAsync(all[1].Ordering, 100).ToListAsync();
        Assert.Equal(all.Skip(2).Select(e => e.Ordering), afterSecond.Select(e => e.Ordering));
        Assert.Equal(all.Take(2).Select(e => e.Ordering), (await Journal.CurrentAllEventsAsync(0, 2).ToListAsync()).Select(e => e.Ordering));
        Assert.Equal(all[^1].Ordering, await Journal.HighestOrderingAsync());
        Assert.Equal(all[^1].Ordering, Journal.Notifier.HighestOrdering);
    }

    [JournalFact]
    public async Task CurrentAllEvents_DeletedEvents_AreLeftOut()
    {
        await WriteOkAsync(Write("a", 1, 3), Write("b", 1, 1));

        await Journal.DeleteMessagesToAsync("a", 2);

        var all = await Journal.CurrentAllEventsAsync(0, 100).ToListAsync();
        Assert.Equal(["a:3", "b:1"], all.Select(e => $"{e.PersistenceId}:{e.SequenceNr}"));
    }

    [JournalFact]
    public async Task CurrentEventsByTag_AfterOffset_ReturnsOnlyTaggedEventsWithTheirTags()
    {
        await WriteOkAsync(Write("a", 1, 2, "pods"), Write("b", 1, 1, "nodes"), Write("c", 1, 1, "pods", "critical"));

        var pods = await Journal.CurrentEventsByTagAsync("pods", 0, 100).ToListAsync();

        Assert.Equal(["a:1", "a:2", "c:1"], pods.Select(e => $"{e.PersistenceId}:{e.SequenceNr}"));
        Assert.Equal(["critical", "pods"], pods[2].Tags.Order(StringComparer.Ordinal));
        Assert.Equal(["pods"], pods[0].Tags);
        var afterFirst = await Journal.CurrentEventsByTagAsync("pods", pods[0].Ordering, 1).ToListAsync();
        Assert.Equal([pods[1].Ordering], afterFirst.Select(e => e.Ordering));
        Assert.Empty(await Journal.CurrentEventsByTagAsync("unknown", 0, 100).ToListAsync());
        Assert.DoesNotContain("pods", (await Journal.CurrentAllEventsAsync(0, 100).ToListAsync()).Single(e => e.PersistenceId == "b").Tags);
    }

    [JournalFact]
    public async Task CurrentPersistenceIds_FullyDeletedId_IsLeftOut()
    {
        await WriteOkAsync(Write("a", 1, 2), Write("b", 1, 2), Write("c", 1, 1));

        await Journal.DeleteMessagesToAsync("b", 2);
        await Journal.DeleteMessagesToAsync("a", 1);

        Assert.Equal(["a", "c"], (await Journal.CurrentPersistenceIdsAsync().ToListAsync()).Order(StringComparer.Ordinal));
    }

    [JournalFact]
    public async Task HighestOrdering_EmptyJournal_IsZero()
    {
        Assert.Equal(0, await Journal.HighestOrderingAsync());
        Assert.Equal(0, await Journal.CompactedThroughOrderingAsync());
        Assert.Empty(await Journal.CurrentAllEventsAsync(0, 10).ToListAsync());
    }

    [JournalFact]
    public async Task Compact_EventsCoveredBySnapshotAndOlderThanCutoff_RemovedButHighestRowKept()
    {
        await WriteOkAsync(Write("a", 1, 4), Write("b", 1, 2));
        await Snapshots.SaveAsync(new SnapshotEntry("a", 3, Clock.GetUtcNow().UtcTicks, "state", [3]));
        await Snapshots.SaveAsync(new SnapshotEntry("b", 2, Clock.GetUtcNow().UtcTicks, "state", [2]));
        Clock.Advance(TimeSpan.FromMinutes(10));

        var result = await Journal.CompactAsync(new CompactionRequest(Clock.GetUtcNow().UtcTicks));

        // a: 1-3 covered by the snapshot; b: 1 covered, 2 is b's highest and stays.
        Assert.Equal(4, result.EventsRemoved);
        Assert.Equal([4L], await ReplaySeqsAsync("a"));
        Assert.Equal([2L], await ReplaySeqsAsync("b"));
        Assert.Equal(4, await Journal.ReadHighestSequenceNrAsync("a", 0));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync("b", 0));
        Assert.Equal(["a", "b"], (await Journal.CurrentPersistenceIdsAsync().ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(result.CompactedThroughOrdering, await Journal.CompactedThroughOrderingAsync());
        Assert.True(result.CompactedThroughOrdering > 0);
    }

    [JournalFact]
    public async Task Compact_EventsYoungerThanCutoff_AreKept()
    {
        await WriteOkAsync(Write("a", 1, 2));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var cutoff = Clock.GetUtcNow().UtcTicks;
        Clock.Advance(TimeSpan.FromMinutes(1));
        await WriteOkAsync(Write("a", 3, 2));
        await Snapshots.SaveAsync(new SnapshotEntry("a", 3, Clock.GetUtcNow().UtcTicks, "state", [3]));

        var result = await Journal.CompactAsync(new CompactionRequest(cutoff));

        Assert.Equal(2, result.EventsRemoved);
        Assert.Equal([3L, 4], await ReplaySeqsAsync("a"));
    }

    [JournalFact]
    public async Task Compact_DeletedIdOlderThanCutoff_RemovesItsEventsButRemembersItsHighestSequenceNr()
    {
        await WriteOkAsync(Write("gone", 1, 3), Write("kept", 1, 1));
        await Journal.DeleteMessagesToAsync("gone", 3);
        Clock.Advance(TimeSpan.FromMinutes(10));

        var result = await Journal.CompactAsync(new CompactionRequest(Clock.GetUtcNow().UtcTicks));

        Assert.True(result.EventsRemoved >= 2);
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("gone", 0));
        Assert.Empty(await ReplaySeqsAsync("gone"));
        var rewrite = await Journal.WriteAsync([Write("gone", 1, 1)]);
        Assert.IsType<SequenceConflictException>(rewrite[0].Rejection);
        await WriteOkAsync(Write("gone", 4, 1));
        Assert.Equal([4L], await ReplaySeqsAsync("gone"));
        Assert.Equal([1L], await ReplaySeqsAsync("kept"));
    }

    [JournalFact]
    public async Task CurrentQueries_BelowCompactedThrough_ThrowJournalCompacted()
    {
        await WriteOkAsync(Write("a", 1, 3, "t"));
        await Snapshots.SaveAsync(new SnapshotEntry("a", 2, Clock.GetUtcNow().UtcTicks, "state", [2]));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var result = await Journal.CompactAsync(new CompactionRequest(Clock.GetUtcNow().UtcTicks));

        var all = await Assert.ThrowsAsync<JournalCompactedException>(async () => await Journal.CurrentAllEventsAsync(0, 10).ToListAsync());
        Assert.Equal(result.CompactedThroughOrdering, all.CompactedThrough);
        await Assert.ThrowsAsync<JournalCompactedException>(async () => await Journal.CurrentEventsByTagAsync("t", 0, 10).ToListAsync());
        var rest = await Journal.CurrentAllEventsAsync(result.CompactedThroughOrdering, 10).ToListAsync();
        Assert.Equal([3L], rest.Select(e => e.SequenceNr));
        Assert.Equal([3L], (await Journal.CurrentEventsByTagAsync("t", result.CompactedThroughOrdering, 10).ToListAsync()).Select(e => e.SequenceNr));
    }

    [JournalFact]
    public async Task CurrentStoredEvents_BelowCompactedThrough_ReturnsWhatSurvived()
    {
        await WriteOkAsync(Write("a", 1, 3));
        await WriteOkAsync(Write("b", 1, 1));
        await Snapshots.SaveAsync(new SnapshotEntry("a", 2, Clock.GetUtcNow().UtcTicks, "state", [2]));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var result = await Journal.CompactAsync(new CompactionRequest(Clock.GetUtcNow().UtcTicks));
        Assert.True(result.CompactedThroughOrdering > 0);

        var stored = await Journal.CurrentStoredEventsAsync(0, 10).ToListAsync();

        Assert.Equal(["a:3", "b:1"], stored.Select(e => e.PersistenceId + ":" + e.SequenceNr));
        Assert.True(stored[0].Ordering < stored[1].Ordering);
    }
}

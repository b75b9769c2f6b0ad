using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Tests.Persistence;

/// <summary>The orderings a write reports: the ones the read side shows, ascending, and none for a rejection.</summary>
public abstract partial class JournalContractSpec
{
    [JournalFact]
    public async Task WriteAsync_StoredWrites_ReportTheOrderingsReadBackForEachEvent()
    {
        await WriteOkAsync(Write("b", 1, 1));

        var writes = new[] { Write("a", 1, 3, "t"), Write("b", 1, 2), Write("c", 1, 2, "t", "u"), Write("a", 4, 1) };
        var results = await Journal.WriteAsync(writes);

        var conflict = results[1];
        Assert.IsType<SequenceConflictException>(conflict.Rejection);
        Assert.False(conflict.IsStored);
        Assert.Empty(conflict.Orderings);
        Assert.Equal((0L, 0L), (conflict.FirstOrdering, conflict.LastOrdering));

        var readBack = (await Journal.CurrentAllEventsAsync(0, 100).ToListAsync())
            .ToDictionary(e => (e.PersistenceId, e.SequenceNr), e => e.Ordering);
        var tagged = (await Journal.CurrentEventsByTagAsync("t", 0, 100).ToListAsync())
            .ToDictionary(e => (e.PersistenceId, e.SequenceNr), e => e.Ordering);
        foreach (var i in new[] { 0, 2, 3 })
        {
            var result = results[i];
            Assert.True(result.IsStored);
            Assert.Equal(writes[i].Events.Select(e => readBack[(writes[i].PersistenceId, e.SequenceNr)]), result.Orderings);
            Assert.Equal(result.Orderings.Order(), result.Orderings);
            Assert.Equal(result.Orderings.Count, result.Orderings.Distinct().Count());
            Assert.Equal((result.Orderings[0], result.Orderings[^1]), (result.FirstOrdering, result.LastOrdering));
        }

        Assert.Equal(results[0].Orderings.Concat(results[2].Orderings), tagged.Values.Order());
        Assert.Equal(readBack.Values.Max(), await Journal.HighestOrderingAsync());
    }

    [JournalFact]
    public async Task WriteAsync_SuccessiveBatches_ReportOrderingsAboveEveryEarlierOne()
    {
        var previous = 0L;
        var reported = new List<long>();
        for (var batch = 0; batch < 5; batch++)
        {
            var results = await Journal.WriteAsync([Write("a", (batch * 2) + 1, 2), Write($"id-{batch}", 1, 1)]);

            Assert.All(results, r => Assert.True(r.IsStored));
            Assert.All(results, r => Assert.True(r.FirstOrdering > previous, $"{r.FirstOrdering} is not above the earlier batch's {previous}"));
            previous = results.Max(r => r.LastOrdering);
            reported.AddRange(results.SelectMany(r => r.Orderings));
            Assert.Equal(previous, await Journal.HighestOrderingAsync());
        }

        var all = await Journal.CurrentAllEventsAsync(0, 100).ToListAsync();
        Assert.Equal(15, all.Count);
        Assert.Equal(all.Select(e => e.Ordering), reported.Order());
    }
}

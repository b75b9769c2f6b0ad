using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Tests.Persistence;

/// <summary>Large group commits: many ids, many rows and tags in one batch, with a conflict inside it.</summary>
public abstract partial class JournalContractSpec
{
    [JournalFact]
    public async Task Write_LargeBatchOfManyIdsWithTagsAndOneConflict_StoresAllButTheConflictWithTheirTags()
    {
        await WriteOkAsync(Write("id-300", 1, 1));

        // 450 ids × 2 events = 900 rows and 900 tag rows in one batch; id-300 conflicts at sequence number 1.
        var writes = Enumerable.Range(0, 450).Select(i => Write($"id-{i}", 1, 2, i % 2 == 0 ? "even" : "odd")).ToArray();
        var results = await Journal.WriteAsync(writes);

        for (var i = 0; i < writes.Length; i++)
        {
            if (i == 300)
            {
                Assert.IsType<SequenceConflictException>(results[i].Rejection);
            }
            else
            {
                Assert.Null(results[i].Rejection);
            }
        }

        var all = await Journal.CurrentAllEventsAsync(0, 10_000).ToListAsync();
        Assert.Equal(1 + (449 * 2), all.Count);
        Assert.Equal(all.Select(e => e.Ordering).Order(), all.Select(e => e.Ordering));
        Assert.Equal(all.Count, all.Select(e => e.Ordering).Distinct().Count());
        var even = await Journal.CurrentEventsByTagAsync("even", 0, 10_000).ToListAsync();
        Assert.Equal(224 * 2, even.Count); // 225 even ids, less id-300 whose write was rejected
        Assert.All(even, e => Assert.Equal(0, int.Parse(e.PersistenceId["id-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2));
        Assert.Equal([1L], await ReplaySeqsAsync("id-300"));
        Assert.Equal([1L, 2], await ReplaySeqsAsync("id-449"));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync("id-0", 0));
    }
}

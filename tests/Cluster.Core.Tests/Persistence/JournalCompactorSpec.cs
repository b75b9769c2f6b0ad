using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Core.Tests.Persistence;

public sealed class JournalCompactorSpec
{
    private static async Task WriteAsync(IJournal journal, string id, long seq)
    {
        var result = await journal.WriteAsync([new AtomicWrite(id, "w", [new JournalEvent(seq, "m", new byte[] { 1 }, [])])]);
        Assert.Null(result[0].Rejection);
    }

    [Fact]
    public async Task Compactor_RunsEveryInterval_RemovesOnlySnapshotCoveredHistoryOlderThanWindow()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var snapshots = new InMemorySnapshotStore();
        var journal = new InMemoryJournal(clock, snapshots);
        for (var seq = 1; seq <= 4; seq++)
        {
            await WriteAsync(journal, "lease", seq);
        }

        await snapshots.SaveAsync(new SnapshotEntry("lease", 3, clock.GetUtcNow().UtcTicks, "s", []));
        await using var compactor = new JournalCompactor(journal, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), clock, NullLogger.Instance);
        compactor.Start();

        // Before the first interval nothing runs, even for history that is old enough.
        await Task.Delay(100);
        Assert.Equal(4, await CountAsync(journal));

        // Past the window, the timer's run removes events 1-3 (covered by the snapshot); 4 is the newest and stays.
        clock.Advance(TimeSpan.FromMinutes(6));
        for (var i = 0; i < 500 && await CountAsync(journal) != 1; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, await CountAsync(journal));
        Assert.Equal(4, await journal.ReadHighestSequenceNrAsync("lease", 0));
    }

    [Fact]
    public async Task RunOnce_WhileARunIsInProgress_IsSkipped()
    {
        var gate = new TaskCompletionSource();
        var journal = new BlockingCompactionJournal(gate.Task);
        await using var compactor = new JournalCompactor(journal, TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);
        var first = compactor.RunOnceAsync();
        Assert.Null(await compactor.RunOnceAsync());
        gate.SetResult();
        Assert.NotNull(await first);
    }

    private static async Task<int> CountAsync(IJournal journal) =>
        (await journal.ReplayAsync("lease", 1, long.MaxValue, long.MaxValue).ToListAsync()).Count;

    private sealed class BlockingCompactionJournal(Task gate) : Persistence.DelegatingJournal(new InMemoryJournal())
    {
        public override async Task<CompactionResult> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default)
        {
            await gate;
            return await Inner.CompactAsync(request, cancellationToken);
        }
    }
}

using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Tests.Persistence;

public abstract partial class JournalContractSpec
{
    private async Task SaveSnapshotsAsync(string persistenceId, params long[] sequenceNrs)
    {
        foreach (var seq in sequenceNrs)
        {
            // Timestamps 100 * seq, so criteria on time and on sequence number can be told apart.
            await Snapshots.SaveAsync(new SnapshotEntry(persistenceId, seq, 100 * seq, "state", [(byte)seq]));
        }
    }

    [JournalFact]
    public async Task SnapshotLoad_NoSnapshot_ReturnsNull()
    {
        Assert.Null(await Snapshots.LoadAsync("none", SnapshotSelectionCriteria.Latest));
    }

    [JournalFact]
    public async Task SnapshotLoad_Latest_ReturnsYoungestWithItsContent()
    {
        await SaveSnapshotsAsync("a", 1, 3, 5);
        await SaveSnapshotsAsync("b", 7);

        var latest = await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest);

        Assert.NotNull(latest);
        Assert.Equal(("a", 5L, 500L, "state"), (latest.PersistenceId, latest.SequenceNr, latest.Timestamp, latest.Manifest));
        Assert.Equal([(byte)5], latest.Payload);
    }

    [JournalFact]
    public async Task SnapshotLoad_Criteria_ReturnYoungestMatching()
    {
        await SaveSnapshotsAsync("a", 1, 3, 5);

        Assert.Equal(3, (await Snapshots.LoadAsync("a", new SnapshotSelectionCriteria(MaxSequenceNr: 4)))?.SequenceNr);
        Assert.Equal(1, (await Snapshots.LoadAsync("a", new SnapshotSelectionCriteria(MaxTimestamp: 299)))?.SequenceNr);
        Assert.Equal(5, (await Snapshots.LoadAsync("a", new SnapshotSelectionCriteria(MinSequenceNr: 4)))?.SequenceNr);
        Assert.Null(await Snapshots.LoadAsync("a", new SnapshotSelectionCriteria(MaxSequenceNr: 4, MinTimestamp: 400)));
        Assert.Null(await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.None));
    }

    [JournalFact]
    public async Task SnapshotSave_SameSequenceNr_ReplacesTheSnapshot()
    {
        await SaveSnapshotsAsync("a", 2);

        await Snapshots.SaveAsync(new SnapshotEntry("a", 2, 999, "state-v2", [42]));

        var loaded = await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest);
        Assert.Equal(("state-v2", 999L), (loaded?.Manifest, loaded?.Timestamp ?? 0));
        Assert.Equal([(byte)42], loaded!.Payload);
    }

    [JournalFact]
    public async Task SnapshotDelete_BySequenceNr_RemovesOnlyThatOne()
    {
        await SaveSnapshotsAsync("a", 1, 3, 5);

        await Snapshots.DeleteAsync("a", 5);

        Assert.Equal(3, (await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest))?.SequenceNr);
    }

    [JournalFact]
    public async Task SnapshotDelete_ByCriteria_RemovesAllMatchingOfThatIdOnly()
    {
        await SaveSnapshotsAsync("a", 1, 3, 5);
        await SaveSnapshotsAsync("b", 1);

        await Snapshots.DeleteAsync("a", new SnapshotSelectionCriteria(MaxSequenceNr: 3));

        Assert.Null(await Snapshots.LoadAsync("a", new SnapshotSelectionCriteria(MaxSequenceNr: 4)));
        Assert.Equal(5, (await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest))?.SequenceNr);
        Assert.Equal(1, (await Snapshots.LoadAsync("b", SnapshotSelectionCriteria.Latest))?.SequenceNr);
    }
}

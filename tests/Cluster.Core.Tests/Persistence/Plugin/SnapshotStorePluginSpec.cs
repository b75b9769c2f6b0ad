using Akka.Persistence;
using Akka.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// Akka's snapshot store TCK (SnapshotStoreSpec, with the save cases of SnapshotStoreSaveSnapshotSpec
/// and SnapshotStoreSerializationSpec) ported against the snapshot store plugin, on each backend.
/// Every test starts with snapshots s-1 .. s-5 of <see cref="PluginTestKit.Pid"/> at sequence
/// numbers 11 .. 15, saved one after another.
/// </summary>
public abstract class SnapshotStorePluginSpec : PluginTestKit
{
    private readonly TestProbe _sender;
    private readonly List<SnapshotMetadata> _metadata = [];

    protected SnapshotStorePluginSpec(PluginBackend backend, ITestOutputHelper output)
        : base(backend, output)
    {
        _sender = CreateTestProbe();
        for (var i = 1; i <= 5; i++)
        {
            _metadata.Add(Save(new SnapshotMetadata(Pid, i + 10, Sys.Scheduler.Now.UtcDateTime), $"s-{i}"));
        }
    }

    private SnapshotMetadata Save(SnapshotMetadata metadata, object snapshot)
    {
        SnapshotStore.Tell(new SaveSnapshot(metadata, snapshot), _sender.Ref);
        return _sender.ExpectMsg<SaveSnapshotSuccess>().Metadata;
    }

    private LoadSnapshotResult Load(SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue, string? persistenceId = null)
    {
        SnapshotStore.Tell(new LoadSnapshot(persistenceId ?? Pid, criteria, toSequenceNr), _sender.Ref);
        var result = _sender.ExpectMsg<LoadSnapshotResult>();
        Assert.Equal(toSequenceNr, result.ToSequenceNr);
        return result;
    }

    /// <summary>Asserts that the load found snapshot s-<paramref name="index"/> (1-based), metadata and content.</summary>
    private void AssertFound(LoadSnapshotResult result, int index)
    {
        Assert.NotNull(result.Snapshot);
        Assert.Equal(_metadata[index - 1], result.Snapshot.Metadata);
        Assert.Equal($"s-{index}", result.Snapshot.Snapshot);
    }

    [JournalFact]
    public void Load_UnknownPersistenceId_FindsNone() =>
        Assert.Null(Load(SnapshotSelectionCriteria.Latest, persistenceId: "invalid").Snapshot);

    [JournalFact]
    public void Load_TimestampBoundBeforeEverySnapshot_FindsNone() =>
        Assert.Null(Load(new SnapshotSelectionCriteria(long.MaxValue, new DateTime(100000, DateTimeKind.Utc))).Snapshot);

    [JournalFact]
    public void Load_SequenceNrBoundBelowEverySnapshot_FindsNone()
    {
        Assert.Null(Load(new SnapshotSelectionCriteria(7)).Snapshot);
        Assert.Null(Load(SnapshotSelectionCriteria.Latest, toSequenceNr: 7).Snapshot);
    }

    [JournalFact]
    public void Load_Latest_FindsTheMostRecent() => AssertFound(Load(SnapshotSelectionCriteria.Latest), 5);

    [JournalFact]
    public void Load_UpperSequenceNrBound_FindsTheMostRecentAtOrBelowIt()
    {
        AssertFound(Load(new SnapshotSelectionCriteria(13)), 3);
        AssertFound(Load(SnapshotSelectionCriteria.Latest, toSequenceNr: 13), 3);
    }

    [JournalFact]
    public void Load_UpperSequenceNrAndTimestampBound_FindsTheMostRecentWithinBoth()
    {
        AssertFound(Load(new SnapshotSelectionCriteria(13, _metadata[2].Timestamp)), 3);
        AssertFound(Load(new SnapshotSelectionCriteria(long.MaxValue, _metadata[2].Timestamp), toSequenceNr: 13), 3);
    }

    [JournalFact]
    public void Load_LowerSequenceNrBound_FindsNothingBelowIt()
    {
        AssertFound(Load(new SnapshotSelectionCriteria(12, DateTime.MaxValue, minSequenceNr: 12)), 2);
        Assert.Null(Load(new SnapshotSelectionCriteria(12, DateTime.MaxValue, minSequenceNr: 13)).Snapshot);
    }

    [JournalFact]
    public void DeleteSnapshot_BySequenceNrAndTimestamp_DeletesThatOneOnly()
    {
        var metadata = new SnapshotMetadata(Pid, _metadata[2].SequenceNr, _metadata[2].Timestamp);
        var command = new DeleteSnapshot(metadata);
        var subscriber = CreateTestProbe();
        Sys.EventStream.Subscribe(subscriber.Ref, typeof(DeleteSnapshot));

        SnapshotStore.Tell(command, _sender.Ref);

        subscriber.ExpectMsg(command);
        _sender.ExpectMsg<DeleteSnapshotSuccess>();
        AssertFound(Load(new SnapshotSelectionCriteria(metadata.SequenceNr)), 2);
        AssertFound(Load(SnapshotSelectionCriteria.Latest), 5);
    }

    [JournalFact]
    public void DeleteSnapshot_TimestampMinValue_DeletesBySequenceNrAlone()
    {
        var metadata = new SnapshotMetadata(Pid, _metadata[2].SequenceNr, DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc));

        SnapshotStore.Tell(new DeleteSnapshot(metadata), _sender.Ref);

        _sender.ExpectMsg<DeleteSnapshotSuccess>();
        AssertFound(Load(new SnapshotSelectionCriteria(metadata.SequenceNr)), 2);
    }

    [JournalFact]
    public void DeleteSnapshot_TimestampBeforeTheStoredOne_DeletesNothing()
    {
        var metadata = new SnapshotMetadata(Pid, _metadata[2].SequenceNr, _metadata[2].Timestamp - TimeSpan.FromSeconds(2));

        SnapshotStore.Tell(new DeleteSnapshot(metadata), _sender.Ref);

        _sender.ExpectMsg<DeleteSnapshotSuccess>();
        AssertFound(Load(new SnapshotSelectionCriteria(metadata.SequenceNr)), 3);
    }

    [JournalFact]
    public void DeleteSnapshots_UpperSequenceNrAndTimestampBounds_DeletesEveryMatchingOne()
    {
        var bound = _metadata[2];
        var command = new DeleteSnapshots(Pid, new SnapshotSelectionCriteria(bound.SequenceNr, bound.Timestamp));
        var subscriber = CreateTestProbe();
        Sys.EventStream.Subscribe(subscriber.Ref, typeof(DeleteSnapshots));

        SnapshotStore.Tell(command, _sender.Ref);

        subscriber.ExpectMsg(command);
        _sender.ExpectMsg<DeleteSnapshotsSuccess>();
        Assert.Null(Load(new SnapshotSelectionCriteria(bound.SequenceNr, bound.Timestamp)).Snapshot);
        AssertFound(Load(new SnapshotSelectionCriteria(_metadata[3].SequenceNr, _metadata[3].Timestamp)), 4);
    }

    [JournalFact]
    public void DeleteSnapshots_TimestampBoundJustBeforeASnapshot_KeepsIt()
    {
        var kept = _metadata[3];
        var criteria = new SnapshotSelectionCriteria(kept.SequenceNr, kept.Timestamp - TimeSpan.FromTicks(1));

        SnapshotStore.Tell(new DeleteSnapshots(Pid, criteria), _sender.Ref);

        Assert.Equal(criteria, _sender.ExpectMsg<DeleteSnapshotsSuccess>().Criteria);
        AssertFound(Load(new SnapshotSelectionCriteria(kept.SequenceNr, kept.Timestamp)), 4);
    }

    [JournalFact]
    public void Save_SameSequenceNrAgain_OverwritesTheSnapshot()
    {
        var saved = Save(_metadata[4], "s-5-modified");

        Assert.Equal(_metadata[4].SequenceNr, saved.SequenceNr);
        var loaded = Load(new SnapshotSelectionCriteria(_metadata[4].SequenceNr)).Snapshot;
        Assert.Equal(("s-5-modified", _metadata[4].SequenceNr), (loaded.Snapshot, loaded.Metadata.SequenceNr));
    }

    [JournalFact]
    public void Save_TenThousandBytes_LoadsThemBack()
    {
        var bytes = new byte[10000];
        new Random(7).NextBytes(bytes);

        Save(new SnapshotMetadata(Pid, 100, Sys.Scheduler.Now.UtcDateTime), bytes);

        Assert.Equal(bytes, Load(SnapshotSelectionCriteria.Latest).Snapshot.Snapshot);
    }

    [JournalFact]
    public void Save_SnapshotOfAStringManifestSerializer_LoadsEqual()
    {
        Save(new SnapshotMetadata(Pid, 100, Sys.Scheduler.Now.UtcDateTime), new CounterSnapshot(42));

        var loaded = Load(SnapshotSelectionCriteria.Latest).Snapshot;

        Assert.Equal((Pid, 100L, (object)new CounterSnapshot(42)), (loaded.Metadata.PersistenceId, loaded.Metadata.SequenceNr, loaded.Snapshot));
    }

    [JournalFact]
    public void Save_SnapshotHoldingAnActorRef_LoadsEqual()
    {
        var snapshot = new RefPayload(CreateTestProbe().Ref);

        Save(new SnapshotMetadata(Pid, 100, Sys.Scheduler.Now.UtcDateTime), snapshot);

        Assert.Equal(snapshot, Load(SnapshotSelectionCriteria.Latest).Snapshot.Snapshot);
    }

    [JournalFact]
    public void Save_SnapshotOfATypeManifestSerializer_LoadsEqual()
    {
        Save(new SnapshotMetadata(Pid, 100, Sys.Scheduler.Now.UtcDateTime), new Labelled("snap"));

        Assert.Equal(new Labelled("snap"), Load(SnapshotSelectionCriteria.Latest).Snapshot.Snapshot);
    }
}

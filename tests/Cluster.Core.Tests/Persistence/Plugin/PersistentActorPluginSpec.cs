using Cluster.Core.Persistence.Journal;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// Persistent actors on the plugin, on each backend: recovery, handler order and senders, many
/// ids at once, snapshots, deletes, a rejected event (the actor carries on) and a failed store
/// (the actor stops).
/// </summary>
public abstract class PersistentActorPluginSpec(PluginBackend backend, ITestOutputHelper output) : PluginTestKit(backend, output)
{
    [JournalFact]
    public void NewId_Recovers_WithRecoveryCompletedAndNothingElse()
    {
        var probe = CreateTestProbe();
        NewCounter("fresh", probe);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [JournalFact]
    public void Persist_ThenRestart_RecoversStateAndSequenceNr()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("c1", probe);
        counter.Tell(2, TestActor);
        counter.Tell(3, TestActor);
        ExpectMsg(("applied", 2, 1L));
        ExpectMsg(("applied", 5, 2L));
        StopAndWait(counter);

        var again = Counter("c1", probe.Ref);

        probe.ExpectMsg(("recovered", 5, 2L));
        again.Tell(1, TestActor);
        ExpectMsg(("applied", 6, 3L));
    }

    [JournalFact]
    public void CommandSentBeforeRecoveryEnds_IsHandledAfterIt()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("early", probe);
        counter.Tell(10, TestActor);
        ExpectMsg(("applied", 10, 1L));
        StopAndWait(counter);

        Counter("early", probe.Ref).Tell("get", TestActor);

        ExpectMsg(10);
    }

    [JournalFact]
    public void PersistAll_HandlersRunInOrder_WithTheCommandsSender()
    {
        var counter = NewCounter("all", CreateTestProbe());
        var sender = CreateTestProbe();

        sender.Send(counter, new[] { 1, 2, 3 });

        sender.ExpectMsg(("applied", 1, 1L));
        sender.ExpectMsg(("applied", 3, 2L));
        sender.ExpectMsg(("applied", 6, 3L));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [JournalFact]
    public void PersistPersistAllAndPersistAsync_Interleaved_HandlersAndReplayKeepCommandOrder()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("order", probe);
        var expected = new List<(string, int, long)>();
        var value = 0;
        for (var i = 1; i <= 30; i++)
        {
            // One command of each kind in turn: Persist, PersistAll of two, PersistAsync.
            object command = (i % 3) switch { 0 => (long)i, 1 => i, _ => new[] { i, i } };
            var count = i % 3 == 2 ? 2 : 1;
            counter.Tell(command, TestActor);
            for (var k = 0; k < count; k++)
            {
                value += i;
                expected.Add(("applied", value, expected.Count + 1L));
            }
        }

        Assert.Equal(expected, ReceiveN(expected.Count).Cast<(string, int, long)>());
        StopAndWait(counter);
        Counter("order", probe.Ref);
        probe.ExpectMsg(("recovered", value, (long)expected.Count));
    }

    [JournalFact]
    public void ManyIds_PersistingConcurrently_EachRecoversOnlyItsOwnEvents()
    {
        var probe = CreateTestProbe();
        var counters = Enumerable.Range(0, 8).Select(i => NewCounter($"many-{i}", probe)).ToArray();
        for (var round = 1; round <= 5; round++)
        {
            for (var i = 0; i < counters.Length; i++)
            {
                counters[i].Tell(i + 1, TestActor);
            }
        }

        ReceiveN(counters.Length * 5);
        foreach (var counter in counters)
        {
            StopAndWait(counter);
        }

        for (var i = 0; i < counters.Length; i++)
        {
            Counter($"many-{i}", probe.Ref);
            probe.ExpectMsg(("recovered", (i + 1) * 5, 5L));
        }
    }

    [JournalFact]
    public void SnapshotThenMoreEvents_RecoveryOffersTheSnapshotThenReplaysOnlyLaterEvents()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("snap", probe);
        counter.Tell(4, TestActor);
        ExpectMsg(("applied", 4, 1L));
        counter.Tell("snap", TestActor);
        probe.ExpectMsg(("snapshot saved", 1L));
        counter.Tell(5, TestActor);
        ExpectMsg(("applied", 9, 2L));
        StopAndWait(counter);

        Counter("snap", probe.Ref);

        probe.ExpectMsg(("offer", 1L));
        probe.ExpectMsg(("recovered", 9, 2L));
    }

    [JournalFact]
    public void DeleteMessages_ThenRestart_ReplaysOnlyLaterEventsAndKeepsTheSequenceNr()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("deleting", probe);
        counter.Tell(new[] { 1, 10, 100 }, TestActor);
        ReceiveN(3);
        counter.Tell(("delete", 2L), TestActor);
        probe.ExpectMsg(("deleted", 2L));
        StopAndWait(counter);

        var again = Counter("deleting", probe.Ref);

        probe.ExpectMsg(("recovered", 100, 3L));
        again.Tell(1000, TestActor);
        ExpectMsg(("applied", 1100, 4L));
    }

    [JournalFact]
    public void UnserializableEvent_IsRejected_TheActorCarriesOn()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("rejecting", probe);

        counter.Tell("bad", TestActor);

        probe.ExpectMsg(("rejected", nameof(Core.Persistence.PersistenceSerializationException), 1L));
        counter.Tell(1, TestActor);
        ExpectMsg(("applied", 1, 2L));
        StopAndWait(counter);
        Counter("rejecting", probe.Ref);
        probe.ExpectMsg(("recovered", 1, 2L));
    }

    [JournalFact]
    public async Task SequenceNrTakenByAnotherWriter_IsRejected_TheNextIncarnationRecoversTheStoredEvent()
    {
        var probe = CreateTestProbe();
        var counter = NewCounter("diverge", probe);
        await Store.Ready;
        var stolen = new AtomicWrite("diverge", "other-writer", [Store.Serializer.ToEvent(1, new Incremented(100))]);
        Assert.True((await Store.Journal.WriteAsync([stolen]))[0].IsStored);

        counter.Tell(1, TestActor);

        // A rejection, so the actor can step aside (the registry's objects passivate) and its
        // successor recovers the journal's truth instead of writing on top of it.
        probe.ExpectMsg(("rejected", nameof(SequenceConflictException), 1L));
        StopAndWait(counter);
        Counter("diverge", probe.Ref);
        probe.ExpectMsg(("recovered", 100, 1L));
    }

    [JournalFact]
    public Task StoreFails_ThePersistingActorStops() => CounterStoppedByAStoreFailureAsync("failing");
}

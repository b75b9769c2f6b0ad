using Cluster.Core.Actors;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.PersistentActors;

public sealed class PersistentActorSpec(ITestOutputHelper output) : PersistenceTestKit(output)
{
    private IActorRef Counter(string id, TestKit.TestProbe probe, int snapshotEvery = 0) =>
        ActorOf(Props.CreateFrom(() => new CounterActor(id, probe.Ref, snapshotEvery)));

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Unwatch(actor);
    }

    [Fact]
    public void NewId_Recovers_WithRecoveryCompletedAndNothingElse()
    {
        var probe = CreateTestProbe();
        Counter("fresh", probe);
        probe.ExpectMsg(("recovered", 0, 0L));
    }

    [Fact]
    public void Persist_ThenRestartFromJournal_RecoversStateAndSequence()
    {
        var probe = CreateTestProbe();
        var counter = Counter("c1", probe);
        probe.ExpectMsg(("recovered", 0, 0L));
        counter.Tell(2, TestActor);
        counter.Tell(3, TestActor);
        ExpectMsg(("applied", 2, 1L));
        ExpectMsg(("applied", 5, 2L));
        Stop(counter);

        var again = Counter("c1", probe);
        probe.ExpectMsg(("recovered", 5, 2L));
        again.Tell(1, TestActor);
        ExpectMsg(("applied", 6, 3L));
    }

    [Fact]
    public void CommandsSentBeforeRecoveryEnds_AreProcessedAfterIt()
    {
        var probe = CreateTestProbe();
        var counter = Counter("early", probe);
        probe.ExpectMsg(("recovered", 0, 0L));
        counter.Tell(10, TestActor);
        ExpectMsg(("applied", 10, 1L));
        Stop(counter);

        // Recreated and asked at once: the answer already includes the replayed event.
        var again = Counter("early", probe);
        again.Tell("get", TestActor);
        ExpectMsg(10);
    }

    [Fact]
    public void PersistAll_HandlersRunInOrder_WithTheCommandsSender()
    {
        var probe = CreateTestProbe();
        var counter = Counter("all", probe);
        var sender = CreateTestProbe();
        sender.Send(counter, new[] { 1, 2, 3 });
        sender.ExpectMsg(("applied", 1, 1L));
        sender.ExpectMsg(("applied", 3, 2L));
        sender.ExpectMsg(("applied", 6, 3L));
    }

    [Fact]
    public void SnapshotThenMoreEvents_RecoveryOffersSnapshotThenReplaysOnlyLaterEvents()
    {
        var probe = CreateTestProbe();
        var counter = Counter("snap", probe);
        probe.ExpectMsg(("recovered", 0, 0L));
        counter.Tell(4, TestActor);
        ExpectMsg(("applied", 4, 1L));
        counter.Tell("snap", TestActor);
        probe.ExpectMsg(("snapshot saved", 1L));
        counter.Tell(5, TestActor);
        ExpectMsg(("applied", 9, 2L));
        Stop(counter);

        Counter("snap", probe);
        probe.ExpectMsg(("offer", 1L));
        probe.ExpectMsg(("recovered", 9, 2L));
    }

    [Fact]
    public void SnapshotEvery_NEvents_SavesSnapshotsAtMultiplesOfN()
    {
        var probe = CreateTestProbe();
        var counter = Counter("every", probe, snapshotEvery: 3);
        probe.ExpectMsg(("recovered", 0, 0L));
        for (var i = 0; i < 7; i++)
        {
            counter.Tell(1, TestActor);
        }

        probe.ExpectMsg(("snapshot saved", 3L));
        probe.ExpectMsg(("snapshot saved", 6L));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void UnregisteredEventType_IsRejected_ActorContinues_NoSequenceNumberUsed()
    {
        var probe = CreateTestProbe();
        var counter = Counter("reject-local", probe);
        probe.ExpectMsg(("recovered", 0, 0L));
        counter.Tell("bad", TestActor);
        var failure = ExpectMsg<Status.Failure>();
        Assert.IsType<PersistenceSerializationException>(failure.Cause);
        counter.Tell(1, TestActor);
        ExpectMsg(("applied", 1, 1L));
    }

    [Fact]
    public async Task SequenceConflict_IsReportedAndStopsThatActorOnly_OthersInTheBatchAreStored()
    {
        var probe = CreateTestProbe();
        var victim = Counter("conflict", probe);
        var innocent = Counter("innocent", probe);
        probe.ExpectMsg<(string, int, long)>();
        probe.ExpectMsg<(string, int, long)>();

        // Another writer takes sequence number 1 of "conflict" behind the actor's back.
        var (manifest, payload) = Serialization.Serialize(new Incremented(100));
        var stolen = await Journal.WriteAsync([new AtomicWrite("conflict", "other-writer", [new JournalEvent(1, manifest, payload, [])])]);
        Assert.Null(stolen[0].Rejection);

        Watch(victim);
        victim.Tell(1, TestActor);
        innocent.Tell(1, TestActor);
        var replies = new[] { ReceiveOneOrFail(), ReceiveOneOrFail(), ReceiveOneOrFail() };
        Assert.Contains(replies, r => r is Status.Failure { Cause: SequenceConflictException });
        Assert.Contains(replies, r => Equals(r, ("applied", 1, 1L)));
        Assert.Contains(replies, r => r is Terminated t && t.ActorRef.Equals(victim));
        Assert.Equal(1, await Journal.ReadHighestSequenceNrAsync("innocent", 0));
    }

    private object ReceiveOneOrFail() => Probe.ReceiveOne() ?? throw new Xunit.Sdk.XunitException("no reply");

    [Fact]
    public void JournalFails_ActorStops()
    {
        var probe = CreateTestProbe();
        var counter = Counter("fails", probe);
        probe.ExpectMsg(("recovered", 0, 0L));
        ((InMemoryJournal)Journal).FailWritesWith = new InvalidOperationException("disk on fire");
        Watch(counter);
        counter.Tell(1, TestActor);
        ExpectTerminated(counter);
        Assert.Contains(LogRecords, r => r.EventId.Id == 3101 && r.Exception?.Message == "disk on fire");
    }

    [Fact]
    public void JournalFails_UnderBackoffSupervisor_ActorIsRestartedAndRecoversOnceJournalIsBack()
    {
        var probe = CreateTestProbe();
        var journal = (InMemoryJournal)Journal;
        var options = BackoffOptions.OnStop(Props.CreateFrom(() => new CounterActor("backoff", probe.Ref, 0)), "counter", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 0, seed: 1);
        var supervisor = ActorOf(BackoffSupervisor.Props(options));
        probe.ExpectMsg(("recovered", 0, 0L));
        supervisor.Tell(1, TestActor);
        ExpectMsg(("applied", 1, 1L));

        journal.FailWritesWith = new InvalidOperationException("database went away");
        supervisor.Tell(1, TestActor);
        probe.ExpectMsg(("recovered", 1, 1L), TimeSpan.FromSeconds(5));
        journal.FailWritesWith = null;
        supervisor.Tell(1, TestActor);
        ExpectMsg(("applied", 2, 2L));
    }

    [Fact]
    public async Task UnknownManifestOnReplay_RecoveryFails_NamingIdAndSequenceNumber()
    {
        await Journal.WriteAsync([new AtomicWrite("corrupt", "w", [new JournalEvent(1, "no-such-manifest", new byte[] { 1 }, [])])]);
        var probe = CreateTestProbe();
        var counter = Counter("corrupt", probe);
        Watch(counter);
        ExpectTerminated(counter);
        var record = Assert.Single(LogRecords, r => r.EventId.Id == 3103);
        Assert.Contains("no-such-manifest", record.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains("sequence number 1 of [corrupt]", record.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_AreStoredWithEvents()
    {
        var probe = CreateTestProbe();
        var counter = Counter("tagged", probe);
        counter.Tell(1, TestActor);
        ExpectMsg(("applied", 1, 1L));
        var tagged = new List<JournalEntry>();
        await foreach (var entry in Journal.CurrentEventsByTagAsync("counter", 0, 100))
        {
            tagged.Add(entry);
        }

        Assert.Contains(tagged, e => e.PersistenceId == "tagged" && e.SequenceNr == 1 && e.Manifest == "incremented.v1");
    }
}

public sealed class GroupCommitSpec(ITestOutputHelper output)
    : PersistenceTestKit(output, new InstrumentedJournal(new InMemoryJournal()))
{
    [Fact]
    public void ManyActorsPersistWhileAWriteIsInFlight_TheirWritesShareOneBatch()
    {
        var journal = (InstrumentedJournal)Journal;
        var probe = CreateTestProbe();
        var counters = Enumerable.Range(0, 20).Select(i => ActorOf(Props.CreateFrom(() => new CounterActor($"g{i}", probe.Ref, 0)))).ToArray();
        probe.ReceiveN(20);

        journal.Gate.Reset();
        counters[0].Tell(1, TestActor);
        AwaitCondition(() => journal.BatchSizes.Count == 1);
        foreach (var counter in counters.Skip(1))
        {
            counter.Tell(1, TestActor);
        }

        // All 19 are queued behind the write in flight before the gate opens, so they must share one batch.
        AwaitCondition(() => Persistence.Writer.QueuedCount == 19);
        journal.Gate.Set();
        Probe.ReceiveN(20);
        Assert.Equal([1, 19], journal.BatchSizes);
    }

    [Fact]
    public void CommandsDuringAPendingWrite_WaitAndSeeTheAppliedEvent()
    {
        var journal = (InstrumentedJournal)Journal;
        var probe = CreateTestProbe();
        var counter = ActorOf(Props.CreateFrom(() => new CounterActor("wait", probe.Ref, 0)));
        probe.ExpectMsg(("recovered", 0, 0L));
        journal.Gate.Reset();
        counter.Tell(5, TestActor);
        counter.Tell("get", TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        journal.Gate.Set();
        ExpectMsg(("applied", 5, 1L));
        ExpectMsg(5);
    }
}

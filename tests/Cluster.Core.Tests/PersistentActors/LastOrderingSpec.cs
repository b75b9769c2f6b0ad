using Cluster.Core.Actors;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Query;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.PersistentActors;

/// <summary>Reports <see cref="ReceivePersistentActor.LastOrdering"/> from every handler: persisted, replayed, snapshot offer.</summary>
internal sealed class OrderingReporter : ReceivePersistentActor
{
    public OrderingReporter(string id, IActorRef probe)
    {
        PersistenceId = id;
        Recover<Incremented>(_ => probe.Tell(("replayed", LastSequenceNr, LastOrdering)));
        Recover<SnapshotOffer>(_ => probe.Tell(("offer", LastSequenceNr, LastOrdering)));
        Recover<RecoveryCompleted>(_ => probe.Tell(("recovered", LastSequenceNr, LastOrdering)));
        Command<int[]>(all => PersistAll(all.Select(by => new Incremented(by)), _ => Sender.Tell(("persisted", LastSequenceNr, LastOrdering))));
        Command<string>(s => s == "snap", _ => SaveSnapshot(new CounterSnapshot(0)));
        Command<SaveSnapshotSuccess>(s => probe.Tell(("snapshot saved", s.Metadata.SequenceNr, LastOrdering)));
    }

    public override string PersistenceId { get; }
}

public sealed class LastOrderingSpec(ITestOutputHelper output) : PersistenceTestKit(output)
{
    private IActorRef Reporter(string id, TestKit.TestProbe probe) => ActorOf(Props.CreateFrom(() => new OrderingReporter(id, probe.Ref)));

    /// <summary>A reporter over an id with no history yet, once it has recovered.</summary>
    private IActorRef NewReporter(string id, TestKit.TestProbe probe)
    {
        var actor = Reporter(id, probe);
        probe.ExpectMsg(("recovered", 0L, 0L));
        return actor;
    }

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Unwatch(actor);
    }

    /// <summary>Another id's events, so that orderings and sequence numbers part ways.</summary>
    private async Task WriteOtherAsync(long seq, int count)
    {
        var (manifest, payload) = Serialization.Serialize(new Incremented(0));
        var events = Enumerable.Range(0, count).Select(i => new JournalEvent(seq + i, manifest, payload, [])).ToArray();
        Assert.True((await Journal.WriteAsync([new AtomicWrite("other", "w", events)]))[0].IsStored);
    }

    private async Task<List<(string, long, long)>> ReadJournalOrderingsAsync(string id) =>
        await new ReadJournal(Journal, Serialization).CurrentEventsByPersistenceId(id)
            .Select(e => ("replayed", e.SequenceNr, e.Ordering)).ToListAsync();

    /// <summary>Persists the events in one PersistAll; returns what each handler reported.</summary>
    private List<(string, long, long)> Persist(IActorRef actor, params int[] events)
    {
        actor.Tell(events, TestActor);
        return [.. Probe.ReceiveN(events.Length).Cast<(string, long, long)>()];
    }

    [Fact]
    public async Task PersistHandler_LastOrdering_IsTheOrderingTheReadJournalReportsForThatEvent()
    {
        var probe = CreateTestProbe();
        await WriteOtherAsync(1, 3);
        var actor = NewReporter("reporter", probe);

        var persisted = Persist(actor, 1, 2);
        await WriteOtherAsync(4, 2);
        persisted.AddRange(Persist(actor, 3));

        Assert.Equal([("persisted", 1L, 4L), ("persisted", 2L, 5L), ("persisted", 3L, 8L)], persisted);
        Assert.Equal(persisted.Select(p => p with { Item1 = "replayed" }), await ReadJournalOrderingsAsync("reporter"));
    }

    [Fact]
    public async Task Restart_ReplayedEvents_EachCarryTheOrderingTheyWerePersistedAt()
    {
        var probe = CreateTestProbe();
        var actor = NewReporter("restarted", probe);
        await WriteOtherAsync(1, 2);
        var persisted = Persist(actor, 1, 2);
        await WriteOtherAsync(3, 1);
        persisted.AddRange(Persist(actor, 3));
        Stop(actor);

        Reporter("restarted", probe);

        var replayed = probe.ReceiveN(3).Cast<(string, long, long)>().ToList();
        Assert.Equal(persisted.Select(p => p with { Item1 = "replayed" }), replayed);
        Assert.Equal(await ReadJournalOrderingsAsync("restarted"), replayed);
        probe.ExpectMsg(("recovered", 3L, persisted[^1].Item3));
    }

    [Fact]
    public async Task SnapshotOffer_LastOrderingIsZero_LaterReplayedEventsCarryTheirOwn()
    {
        var probe = CreateTestProbe();
        var actor = NewReporter("snapshotted", probe);
        await WriteOtherAsync(1, 2);
        var first = Persist(actor, 1);
        actor.Tell("snap", TestActor);
        probe.ExpectMsg(("snapshot saved", 1L, first[0].Item3));
        var second = Persist(actor, 1);
        Stop(actor);

        Reporter("snapshotted", probe);

        probe.ExpectMsg(("offer", 1L, 0L));
        probe.ExpectMsg(("replayed", 2L, second[0].Item3));
        probe.ExpectMsg(("recovered", 2L, second[0].Item3));
        Assert.Equal(4L, second[0].Item3);
        Assert.Equal(second[0].Item3, (await ReadJournalOrderingsAsync("snapshotted"))[^1].Item3);
    }
}

public sealed class LastOrderingGroupCommitSpec(ITestOutputHelper output)
    : PersistenceTestKit(output, new InstrumentedJournal(new InMemoryJournal()))
{
    [Fact]
    public async Task ManyActorsInOneBatch_EachHandlerSeesItsOwnEventsOrderings()
    {
        var journal = (InstrumentedJournal)Journal;
        var probe = CreateTestProbe();
        var actors = Enumerable.Range(0, 5).Select(i => ActorOf(Props.CreateFrom(() => new OrderingReporter($"b{i}", probe.Ref)))).ToArray();
        probe.ReceiveN(5);

        // The first write holds the gate; the other four queue behind it and share one batch.
        journal.Gate.Reset();
        var senders = actors.Select(_ => CreateTestProbe()).ToArray();
        senders[0].Send(actors[0], new[] { 1 });
        AwaitCondition(() => journal.BatchSizes.Count == 1);
        for (var i = 1; i < actors.Length; i++)
        {
            senders[i].Send(actors[i], Enumerable.Repeat(1, i + 1).ToArray());
        }

        AwaitCondition(() => Persistence.Writer.QueuedCount == 4);
        journal.Gate.Set();

        var read = new ReadJournal(Journal, Serialization);
        for (var i = 0; i < actors.Length; i++)
        {
            var seen = senders[i].ReceiveN(i + 1).Cast<(string, long, long)>().Select(p => (p.Item2, p.Item3));
            var stored = await read.CurrentEventsByPersistenceId($"b{i}").Select(e => (e.SequenceNr, e.Ordering)).ToListAsync();
            Assert.Equal(stored, seen);
        }

        Assert.Equal([1, 4], journal.BatchSizes);
    }
}

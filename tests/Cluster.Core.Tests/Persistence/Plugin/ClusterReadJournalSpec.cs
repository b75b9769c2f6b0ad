using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Journal;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Persistence.Query;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// The read journal through Akka.Persistence.Query, fed by persistent actors, on each backend.
/// The refresh interval is ten minutes: a live query that delivers a new event in time was woken
/// by the journal's commit signal, not by polling.
/// </summary>
public abstract class ClusterReadJournalSpec(PluginBackend backend, ITestOutputHelper output)
    : ReadJournalTestKit(backend, output, "akka.persistence.query.journal.cluster-sql.refresh-interval = 10m")
{
    private static Tagged Blue(int by) => new(new Incremented(by), ["blue"]);

    [JournalFact]
    public void ReadJournalFor_TheConfiguredPath_GivesOneClusterReadJournalPerSystem()
    {
        var first = PersistenceQuery.Get(Sys).ReadJournalFor<ClusterReadJournal>("akka.persistence.query.journal.cluster-sql");

        Assert.Same(first, Queries);
    }

    [JournalFact]
    public async Task ReadJournalFor_SystemWithoutTheQuerySection_FallsBackToTheReadJournalsDefaults()
    {
        Persist("written", new Incremented(1));
        var config = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.plugin = "akka.persistence.journal.cluster-sql"
            akka.persistence.journal.cluster-sql.class = "{{typeof(ClusterJournal).AssemblyQualifiedName}}"
            """).WithFallback(Backend.JournalConfig);
        using var other = ActorSystem.Create("no-query-section", config);
        try
        {
            var ids = await other.ReadJournalFor<ClusterReadJournal>(ClusterReadJournal.Identifier).CurrentPersistenceIds()
                .RunWith(Sink.Seq<string>(), other.Materializer()).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(["written"], ids);
        }
        finally
        {
            await other.Terminate();
        }
    }

    [JournalFact]
    public async Task CurrentEventsByPersistenceId_PersistedEvents_EachOnceWithItsOrderingAsOffset_ThenCompletes()
    {
        var persisted = Persist("a", new Incremented(1), new Incremented(2));
        Persist("b", new Incremented(9));
        persisted.AddRange(Persist("a", new Incremented(3)));

        var envelopes = await RunAsync(Queries.CurrentEventsByPersistenceId("a", 0, long.MaxValue));

        Assert.Equal(persisted, envelopes.Select(AsPersisted));
        Assert.Equal([1, 2, 3], envelopes.Select(e => ((Incremented)e.Event).By));
        Assert.All(envelopes, e => Assert.Equal("a", e.PersistenceId));
    }

    [JournalFact]
    public async Task CurrentEventsByPersistenceId_SequenceNrRange_ReturnsOnlyThatRange()
    {
        Persist("a", new Incremented(1), new Incremented(2), new Incremented(3), new Incremented(4));

        var envelopes = await RunAsync(Queries.CurrentEventsByPersistenceId("a", 2, 3));

        Assert.Equal([2L, 3], envelopes.Select(e => e.SequenceNr));
    }

    [JournalFact]
    public void EventsByPersistenceId_Live_DeliversEventsPersistedAfterItCaughtUp()
    {
        var first = Assert.Single(Persist("a", new Incremented(1)));
        var (probe, stop) = Subscribe(Queries.EventsByPersistenceId("a", 1, long.MaxValue));
        Assert.Equal(first, AsPersisted(probe.ExpectMsg<EventEnvelope>()));

        Persist("b", new Incremented(9));
        var second = Assert.Single(Persist("a", new Incremented(2)));

        Assert.Equal(second, AsPersisted(probe.ExpectMsg<EventEnvelope>()));
        stop.Shutdown();
        probe.ExpectMsg("completed");
    }

    [JournalFact]
    public async Task CurrentEventsByTag_TaggedAndUntaggedEvents_OnlyTheTaggedInOrderingOrder_ResumableAfterAnOffset()
    {
        var first = Persist("a", Blue(1), new Incremented(2))[0];
        var second = Persist("b", Blue(3))[0];

        var envelopes = await RunAsync(Queries.CurrentEventsByTag("blue", Offset.NoOffset()));
        var resumed = await RunAsync(Queries.CurrentEventsByTag("blue", envelopes[0].Offset));

        Assert.Equal([first, second], envelopes.Select(AsPersisted));
        Assert.Equal([1, 3], envelopes.Select(e => ((Incremented)e.Event).By));
        Assert.All(envelopes, e => Assert.Equal(["blue"], e.Tags));
        Assert.Equal([second], resumed.Select(AsPersisted));
    }

    [JournalFact]
    public void EventsByTag_Live_DeliversTaggedEventsCommittedAfterSubscribing()
    {
        var (probe, stop) = Subscribe(Queries.EventsByTag("blue", Offset.NoOffset()));

        Persist("a", new Incremented(1));
        var tagged = Persist("b", Blue(2))[0];

        var envelope = probe.ExpectMsg<EventEnvelope>();
        Assert.Equal(("b", tagged), (envelope.PersistenceId, AsPersisted(envelope)));
        stop.Shutdown();
    }

    [JournalFact]
    public async Task CurrentAllEvents_SeveralIds_EveryEventOnceInOrderingOrder_ResumableAfterAnOffset()
    {
        var persisted = new List<(string, Persisted)>();
        foreach (var id in new[] { "a", "b", "a", "c", "b" })
        {
            persisted.AddRange(Persist(id, new Incremented(1), Blue(2)).Select(p => (id, p)));
        }

        var envelopes = await RunAsync(Queries.CurrentAllEvents(Offset.NoOffset()));
        var resumed = await RunAsync(Queries.CurrentAllEvents(envelopes[4].Offset));

        Assert.Equal(persisted, envelopes.Select(e => (e.PersistenceId, AsPersisted(e))));
        Assert.Equal(envelopes.Skip(5).Select(e => (e.PersistenceId, AsPersisted(e))), resumed.Select(e => (e.PersistenceId, AsPersisted(e))));
    }

    [JournalFact]
    public async Task AllEvents_LiveWhileManyActorsPersist_DeliversEveryEventOnceInCommitOrder()
    {
        const int Actors = 5, EventsEach = 20;
        var query = Queries.AllEvents(Offset.NoOffset()).Take(Actors * EventsEach).RunWith(Sink.Seq<EventEnvelope>(), Materializer);
        var writers = Enumerable.Range(0, Actors).Select(i => WriterOf($"w{i}")).ToArray();
        for (var k = 0; k < EventsEach; k++)
        {
            foreach (var writer in writers)
            {
                writer.Tell(new PersistEvents(new Incremented(k)), TestActor);
            }
        }

        var persisted = ReceiveN(Actors * EventsEach).Cast<Persisted>().ToList();
        var envelopes = await query.WaitAsync(TimeSpan.FromSeconds(20));

        var orderings = envelopes.Select(OrderingOf).ToList();
        Assert.Equal(orderings.Order(), orderings);
        Assert.Equal(orderings.Count, orderings.Distinct().Count());
        Assert.Equal(persisted.Select(p => p.Ordering).Order(), orderings);
        var stored = await Store.Journal.CurrentAllEventsAsync(0, 1000).Select(e => (e.PersistenceId, e.SequenceNr, e.Ordering)).ToListAsync();
        Assert.Equal(stored, envelopes.Select(e => (e.PersistenceId, e.SequenceNr, OrderingOf(e))));
    }

    [JournalFact]
    public async Task CurrentPersistenceIds_IdsWithManyEvents_EachIdOnce()
    {
        Persist("a", new Incremented(1), new Incremented(2));
        Persist("b", new Incremented(1));
        Persist("a", new Incremented(3));

        var ids = await RunAsync(Queries.CurrentPersistenceIds());

        Assert.Equal(["a", "b"], ids.Order());
    }

    [JournalFact]
    public void PersistenceIds_Live_ExistingIdsThenEachNewOneOnce()
    {
        Persist("a", new Incremented(1));
        var (probe, stop) = Subscribe(Queries.PersistenceIds());
        probe.ExpectMsg("a");

        Persist("a", new Incremented(2));
        Persist("b", new Incremented(1));
        Persist("b", new Incremented(2));
        Persist("c", new Incremented(1));

        probe.ExpectMsg("b");
        probe.ExpectMsg("c");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        stop.Shutdown();
    }

    [JournalFact]
    public void EventsByTag_TimeBasedOffset_IsRefusedWhenTheQueryIsBuilt() =>
        Assert.Throws<ArgumentException>(() => Queries.EventsByTag("blue", Offset.TimeBasedUuid(Guid.NewGuid())));
}

/// <summary>
/// Live queries and commits from another process (another journal object over the same database,
/// whose commits this process is never told about): they arrive by polling every refresh-interval.
/// </summary>
public abstract class ReadJournalPollingSpec(PluginBackend backend, ITestOutputHelper output)
    : ReadJournalTestKit(backend, output, "akka.persistence.query.journal.cluster-sql.refresh-interval = 100ms")
{
    [JournalFact]
    public async Task EventsByTag_CommitFromAnotherProcess_ArrivesByPolling()
    {
        Persist("local", new Tagged(new Incremented(1), ["blue"]));
        var (probe, stop) = Subscribe(Queries.EventsByTag("blue", Offset.NoOffset()));
        Assert.Equal("local", probe.ExpectMsg<EventEnvelope>().PersistenceId);
        await using var other = await Backend.OpenSecondJournalAsync();

        var written = await other.WriteAsync([new Core.Persistence.Journal.AtomicWrite("remote", "w", [Store.Serializer.ToEvent(1, new Tagged(new Incremented(5), ["blue"]))])]);

        var envelope = probe.ExpectMsg<EventEnvelope>();
        Assert.Equal(("remote", 1L, written[0].FirstOrdering, (object)new Incremented(5)), (envelope.PersistenceId, envelope.SequenceNr, OrderingOf(envelope), envelope.Event));
        stop.Shutdown();
    }
}

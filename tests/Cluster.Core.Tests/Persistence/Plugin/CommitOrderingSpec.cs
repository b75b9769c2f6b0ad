using Akka.Actor;
using Akka.Persistence.Journal;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Plugin;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// The <see cref="CommitOrdering"/> channel, on each backend: what a persist or recovery handler
/// reads for its event is the ordering the store holds for that event. Another id's events are
/// written in between, so that orderings and sequence numbers part ways.
/// </summary>
public abstract class CommitOrderingSpec(PluginBackend backend, ITestOutputHelper output) : PluginTestKit(backend, output)
{
    /// <summary>Persists the events in one PersistAll; answers what each persist handler saw.</summary>
    private List<Persisted> Persist(IActorRef writer, params object[] events)
    {
        writer.Tell(new PersistEvents(events), TestActor);
        return [.. ReceiveN(events.Length).Cast<Persisted>()];
    }

    /// <summary>Events of another id written straight into the store, past the plugin.</summary>
    private async Task WriteOtherAsync(long sequenceNr, int count)
    {
        await Store.Ready;
        var events = Enumerable.Range(0, count).Select(i => Store.Serializer.ToEvent(sequenceNr + i, new Incremented(0))).ToArray();
        Assert.True((await Store.Journal.WriteAsync([new AtomicWrite("other", "w", events)]))[0].IsStored);
    }

    /// <summary>What the store holds for <paramref name="id"/>, as a replay handler would report it.</summary>
    private async Task<List<Persisted>> StoredAsync(string id) =>
        await Store.Journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue).Select(e => new Persisted("replayed", e.SequenceNr, e.Ordering)).ToListAsync();

    private static List<Persisted> AsReplayed(IEnumerable<Persisted> persisted) => [.. persisted.Select(p => p with { Handler = "replayed" })];

    [JournalFact]
    public async Task PersistHandler_Ordering_IsTheOrderingTheStoreHoldsForThatEvent()
    {
        var probe = CreateTestProbe();
        await WriteOtherAsync(1, 3);
        var writer = NewWriter("reporter", probe);

        var persisted = Persist(writer, new Incremented(1), new Incremented(2));
        await WriteOtherAsync(4, 2);
        persisted.AddRange(Persist(writer, new Incremented(3)));

        Assert.Equal([1L, 2, 3], persisted.Select(p => p.SequenceNr));
        Assert.Equal(AsReplayed(persisted), await StoredAsync("reporter"));
        Assert.All(persisted, p => Assert.True(p.Ordering > 3, $"ordering {p.Ordering} is not above the other id's first events"));
        Assert.True(persisted[2].Ordering - persisted[1].Ordering > 1, "the other id's events sit between the second and third");
    }

    [JournalFact]
    public async Task Restart_ReplayedEvents_EachCarryTheOrderingItWasPersistedAt()
    {
        var probe = CreateTestProbe();
        var writer = NewWriter("restarted", probe);
        await WriteOtherAsync(1, 2);
        var persisted = Persist(writer, new Incremented(1), new Incremented(2));
        await WriteOtherAsync(3, 1);
        persisted.AddRange(Persist(writer, new Incremented(3)));
        StopAndWait(writer);

        Writer("restarted", probe.Ref);

        var replayed = probe.ReceiveN(3).Cast<Persisted>().ToList();
        Assert.Equal(AsReplayed(persisted), replayed);
        Assert.Equal(await StoredAsync("restarted"), replayed);
        probe.ExpectMsg(new Persisted("recovered", 3, 0));
    }

    [JournalFact]
    public async Task SnapshotOffer_CarriesNoOrdering_LaterReplayedEventsCarryTheirOwn()
    {
        var probe = CreateTestProbe();
        var writer = NewWriter("snapshotted", probe);
        await WriteOtherAsync(1, 2);
        Persist(writer, new Incremented(1));
        writer.Tell(new CounterSnapshot(1));
        probe.ExpectMsg(new Persisted("snapshot saved", 1, 0));
        var second = Assert.Single(Persist(writer, new Incremented(1)));
        StopAndWait(writer);

        Writer("snapshotted", probe.Ref);

        probe.ExpectMsg(new Persisted("offer", 1, 0));
        probe.ExpectMsg(second with { Handler = "replayed" });
        probe.ExpectMsg(new Persisted("recovered", 2, 0));
        Assert.Equal((await StoredAsync("snapshotted"))[^1], second with { Handler = "replayed" });
    }

    [JournalFact]
    public async Task TaggedEvent_PersistHandlerReadsTheOrderingOnTheWrapper_ReplayOnTheBareEvent()
    {
        var probe = CreateTestProbe();
        var writer = NewWriter("tagged", probe);
        await WriteOtherAsync(1, 2);

        var persisted = Assert.Single(Persist(writer, new Tagged(new Incremented(1), ["t"])));
        StopAndWait(writer);
        Writer("tagged", probe.Ref);

        Assert.Equal(AsReplayed([persisted]), await StoredAsync("tagged"));
        probe.ExpectMsg(persisted with { Handler = "replayed" });
    }
}

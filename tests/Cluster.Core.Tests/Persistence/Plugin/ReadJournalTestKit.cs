using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit;
using Cluster.Core.Persistence.Query;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// A plugin test kit with the read journal at hand (through <c>PersistenceQuery</c>, as users get
/// it) and writers that persist through the journal plugin.
/// </summary>
public abstract class ReadJournalTestKit(PluginBackend backend, ITestOutputHelper output, string hocon) : PluginTestKit(backend, output, hocon)
{
    private readonly Dictionary<string, IActorRef> _writers = new(StringComparer.Ordinal);
    private IMaterializer? _materializer;

    protected ClusterReadJournal Queries => PersistenceQuery.Get(Sys).ReadJournalFor<ClusterReadJournal>(ClusterReadJournal.Identifier);

    protected IMaterializer Materializer => _materializer ??= Sys.Materializer();

    /// <summary>Persists <paramref name="events"/> as <paramref name="id"/> in one atomic write; answers what the persist handlers saw.</summary>
    protected List<Persisted> Persist(string id, params object[] events)
    {
        WriterOf(id).Tell(new PersistEvents(events), TestActor);
        return [.. ReceiveN(events.Length).Cast<Persisted>()];
    }

    /// <summary>The writer of <paramref name="id"/> (which has no history before the test writes it), recovered.</summary>
    protected IActorRef WriterOf(string id)
    {
        if (!_writers.TryGetValue(id, out var writer))
        {
            writer = NewWriter(id, CreateTestProbe());
            _writers[id] = writer;
        }

        return writer;
    }

    /// <summary>Runs a query that completes (a current one) and answers everything it delivered.</summary>
    protected async Task<IReadOnlyList<T>> RunAsync<T>(Source<T, NotUsed> query) =>
        await query.RunWith(Sink.Seq<T>(), Materializer).WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>Runs a query into a probe (elements, then "completed" or a failure); the kill switch ends it.</summary>
    protected (TestProbe Probe, IKillSwitch Stop) Subscribe<T>(Source<T, NotUsed> query)
    {
        var probe = CreateTestProbe();
        var stop = query.ViaMaterialized(KillSwitches.Single<T>(), Keep.Right)
            .To(Sink.ActorRef<T>(probe.Ref, "completed", e => new Status.Failure(e)))
            .Run(Materializer);
        return (probe, stop);
    }

    protected static long OrderingOf(EventEnvelope envelope) => ((Sequence)envelope.Offset).Value;

    /// <summary>An envelope as what its writer's persist handler saw (so the two can be compared).</summary>
    protected static Persisted AsPersisted(EventEnvelope envelope) => new("persisted", envelope.SequenceNr, OrderingOf(envelope));
}

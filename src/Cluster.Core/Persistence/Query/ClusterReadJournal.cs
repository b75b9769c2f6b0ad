using System.Runtime.CompilerServices;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;
using Cluster.Core.Persistence.Plugin;

namespace Cluster.Core.Persistence.Query;

/// <summary>
/// Akka.Persistence.Query over the cluster-sql journal: the <see cref="ReadJournal"/> queries as
/// Akka Streams sources, reading the journal plugin's own open store (so in-process commits wake
/// live queries at once; other processes' commits are found by polling every refresh-interval).
/// Offsets are <see cref="Sequence"/> offsets holding the journal ordering, which grows in
/// commit order: a query resumed after an envelope's offset neither skips nor repeats an event.
/// Offsets are exclusive (<c>Offset.Sequence(n)</c> starts after ordering n), as in Akka's SQL
/// plugins; <see cref="NoOffset"/> starts at the beginning.
/// </summary>
public sealed class ClusterReadJournal :
    IPersistenceIdsQuery,
    ICurrentPersistenceIdsQuery,
    IEventsByPersistenceIdQuery,
    ICurrentEventsByPersistenceIdQuery,
    IEventsByTagQuery,
    ICurrentEventsByTagQuery,
    IAllEventsQuery,
    ICurrentAllEventsQuery
{
    /// <summary>The read journal's configuration path, to pass to <c>ReadJournalFor</c>.</summary>
    public const string Identifier = "akka.persistence.query.journal.cluster-sql";

    private readonly JournalStore _store;
    private readonly ReadJournal _reader;

    public ClusterReadJournal(ExtendedActorSystem system, ClusterReadJournalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        _store = JournalStores.Get(system).For(settings.WritePlugin);
        _reader = new ReadJournal(_store.Journal, _store.Serializer.FromEntry, settings: new ReadJournalSettings(settings.RefreshInterval, settings.MaxBufferSize));
    }

    /// <summary>Found by <c>PersistenceQuery</c> by name and injected as a fallback: the read journal's own section only.</summary>
    public static Config DefaultConfiguration() => ClusterPersistenceConfig.Query;

    public Source<string, NotUsed> PersistenceIds() => Run((reader, ct) => reader.PersistenceIds(ct));

    public Source<string, NotUsed> CurrentPersistenceIds() => Run((reader, ct) => reader.CurrentPersistenceIds(ct));

    public Source<EventEnvelope, NotUsed> EventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr) =>
        Events((reader, ct) => reader.EventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, ct));

    public Source<EventEnvelope, NotUsed> CurrentEventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr) =>
        Events((reader, ct) => reader.CurrentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, ct));

    public Source<EventEnvelope, NotUsed> EventsByTag(string tag, Offset offset)
    {
        var after = After(offset);
        return Events((reader, ct) => reader.EventsByTag(tag, after, ct));
    }

    public Source<EventEnvelope, NotUsed> CurrentEventsByTag(string tag, Offset offset)
    {
        var after = After(offset);
        return Events((reader, ct) => reader.CurrentEventsByTag(tag, after, ct));
    }

    public Source<EventEnvelope, NotUsed> AllEvents(Offset offset)
    {
        var after = After(offset);
        return Events((reader, ct) => reader.AllEvents(after, ct));
    }

    public Source<EventEnvelope, NotUsed> CurrentAllEvents(Offset offset)
    {
        var after = After(offset);
        return Events((reader, ct) => reader.CurrentAllEvents(after, ct));
    }

    /// <summary>The ordering a query starts after; checked when the query is built, so a wrong offset fails the caller, not the stream.</summary>
    private static long After(Offset? offset) => offset switch
    {
        null or NoOffset => 0,
        Sequence sequence => sequence.Value,
        _ => throw new ArgumentException(
            $"The cluster-sql read journal takes Offset.Sequence(ordering) or Offset.NoOffset(), not {offset.GetType().Name}.", nameof(offset)),
    };

    private Source<EventEnvelope, NotUsed> Events(Func<ReadJournal, CancellationToken, IAsyncEnumerable<JournalEnvelope>> query) =>
        Run(query).Select(e => new EventEnvelope(Offset.Sequence(e.Ordering), e.PersistenceId, e.SequenceNr, e.Event, e.Timestamp, [.. e.Tags]));

    /// <summary>
    /// A source that runs <paramref name="query"/> anew for each materialization; the stream's
    /// cancellation (downstream done, system shutting down) cancels the query's wait for commits.
    /// </summary>
    private Source<T, NotUsed> Run<T>(Func<ReadJournal, CancellationToken, IAsyncEnumerable<T>> query) =>
        Source.From(() => WhenReady(query));

    private async IAsyncEnumerable<T> WhenReady<T>(Func<ReadJournal, CancellationToken, IAsyncEnumerable<T>> query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The store may still be creating or migrating its schema (first use in this process).
        await _store.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in query(_reader, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}

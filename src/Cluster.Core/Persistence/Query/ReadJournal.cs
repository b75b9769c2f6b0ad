using System.Runtime.CompilerServices;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Query;

/// <summary>An event as queries deliver it (Akka's EventEnvelope); <see cref="Ordering"/> is the offset to resume after.</summary>
public sealed record EventEnvelope(long Ordering, string PersistenceId, long SequenceNr, object Event, long Timestamp, IReadOnlyList<string> Tags);

/// <summary>How live queries poll and page.</summary>
/// <param name="RefreshInterval">Polling fallback when no commit notification arrives (other processes' writes).</param>
/// <param name="BatchSize">Events fetched per round trip.</param>
public sealed record ReadJournalSettings(TimeSpan RefreshInterval, int BatchSize)
{
    public static ReadJournalSettings Default { get; } = new(TimeSpan.FromSeconds(1), 500);
}

/// <summary>
/// Persistence Query over any <see cref="IJournal"/>, as <see cref="IAsyncEnumerable{T}"/>:
/// "Current" queries end at what is committed now; live queries keep going, woken by the journal's
/// commit notification within milliseconds, and by polling as a fallback. Because the journal's
/// ordering grows in commit order, resuming after an ordering never misses an event.
/// </summary>
public sealed class ReadJournal(IJournal journal, PersistenceSerialization serialization, TimeProvider? timeProvider = null, ReadJournalSettings? settings = null)
{
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;
    private readonly ReadJournalSettings _settings = settings ?? ReadJournalSettings.Default;

    public IAsyncEnumerable<EventEnvelope> CurrentEventsByPersistenceId(string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, CancellationToken cancellationToken = default) =>
        ByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, live: false, cancellationToken);

    public IAsyncEnumerable<EventEnvelope> EventsByPersistenceId(string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, CancellationToken cancellationToken = default) =>
        ByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, live: true, cancellationToken);

    public IAsyncEnumerable<EventEnvelope> CurrentEventsByTag(string tag, long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering((after, limit, ct) => journal.CurrentEventsByTagAsync(tag, after, limit, ct), afterOrdering, live: false, cancellationToken);

    public IAsyncEnumerable<EventEnvelope> EventsByTag(string tag, long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering((after, limit, ct) => journal.CurrentEventsByTagAsync(tag, after, limit, ct), afterOrdering, live: true, cancellationToken);

    public IAsyncEnumerable<EventEnvelope> CurrentAllEvents(long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering(journal.CurrentAllEventsAsync, afterOrdering, live: false, cancellationToken);

    public IAsyncEnumerable<EventEnvelope> AllEvents(long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering(journal.CurrentAllEventsAsync, afterOrdering, live: true, cancellationToken);

    public IAsyncEnumerable<string> CurrentPersistenceIds(CancellationToken cancellationToken = default) =>
        journal.CurrentPersistenceIdsAsync(cancellationToken);

    /// <summary>Every persistence id that has events, then each new one as it appears.</summary>
    public async IAsyncEnumerable<string> PersistenceIds([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var observed = journal.Notifier.HighestOrdering;
            await foreach (var id in journal.CurrentPersistenceIdsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(id))
                {
                    yield return id;
                }
            }

            await journal.Notifier.WaitAsync(observed, _settings.RefreshInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<EventEnvelope> ByPersistenceId(string persistenceId, long from, long to, bool live, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = from;
        while (next <= to)
        {
            var observed = journal.Notifier.HighestOrdering;
            var count = 0;
            await foreach (var entry in journal.ReplayAsync(persistenceId, next, to, _settings.BatchSize, cancellationToken).ConfigureAwait(false))
            {
                count++;
                next = entry.SequenceNr + 1;
                yield return Envelope(entry);
            }

            if (count == _settings.BatchSize)
            {
                continue;
            }

            if (!live)
            {
                yield break;
            }

            await journal.Notifier.WaitAsync(observed, _settings.RefreshInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<EventEnvelope> ByOrdering(
        Func<long, int, CancellationToken, IAsyncEnumerable<JournalEntry>> fetch,
        long afterOrdering,
        bool live,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var offset = afterOrdering;
        while (true)
        {
            var observed = journal.Notifier.HighestOrdering;
            var count = 0;
            await foreach (var entry in fetch(offset, _settings.BatchSize, cancellationToken).ConfigureAwait(false))
            {
                count++;
                offset = entry.Ordering;
                yield return Envelope(entry);
            }

            if (count == _settings.BatchSize)
            {
                continue;
            }

            if (!live)
            {
                yield break;
            }

            await journal.Notifier.WaitAsync(Math.Max(observed, offset), _settings.RefreshInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private EventEnvelope Envelope(JournalEntry entry) =>
        new(entry.Ordering, entry.PersistenceId, entry.SequenceNr,
            serialization.Deserialize(entry.Manifest, entry.Payload, entry.PersistenceId, entry.SequenceNr),
            entry.Timestamp, entry.Tags);
}

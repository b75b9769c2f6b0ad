using System.Runtime.CompilerServices;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Query;

/// <summary>An event as <see cref="ReadJournal"/> delivers it (<see cref="ClusterReadJournal"/> turns it into Akka's EventEnvelope); <see cref="Ordering"/> is the offset to resume after.</summary>
public sealed record JournalEnvelope(long Ordering, string PersistenceId, long SequenceNr, object Event, long Timestamp, IReadOnlyList<string> Tags);

/// <summary>How live queries poll and page.</summary>
/// <param name="RefreshInterval">Polling fallback when no commit notification arrives (other processes' writes).</param>
/// <param name="BatchSize">Events fetched per round trip.</param>
public sealed record ReadJournalSettings(TimeSpan RefreshInterval, int BatchSize)
{
    public static ReadJournalSettings Default { get; } = new(TimeSpan.FromSeconds(1), 500);
}

/// <summary>
/// Persistence Query over any <see cref="IJournal"/>, as <see cref="IAsyncEnumerable{T}"/>:
/// "Current" queries end at what was committed when they started; live queries keep going, woken
/// by the journal's commit notification within milliseconds, and by polling as a fallback.
/// Because the journal's ordering grows in commit order, resuming after an ordering never misses
/// an event. <see cref="ClusterReadJournal"/> serves these as Akka.Persistence.Query sources.
/// </summary>
public sealed class ReadJournal
{
    private readonly IJournal _journal;
    private readonly Func<JournalEntry, object> _deserialize;
    private readonly TimeProvider _clock;
    private readonly ReadJournalSettings _settings;

    /// <summary>A read journal whose payloads are read back by <paramref name="deserialize"/> (the plugin: Akka serialization).</summary>
    public ReadJournal(IJournal journal, Func<JournalEntry, object> deserialize, TimeProvider? timeProvider = null, ReadJournalSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(deserialize);
        _journal = journal;
        _deserialize = deserialize;
        _clock = timeProvider ?? TimeProvider.System;
        _settings = settings ?? ReadJournalSettings.Default;
    }

    /// <summary>A read journal whose payloads are registered in <paramref name="serialization"/> (stable manifests, no Akka).</summary>
    public ReadJournal(IJournal journal, PersistenceSerialization serialization, TimeProvider? timeProvider = null, ReadJournalSettings? settings = null)
        : this(journal, entry => serialization.Deserialize(entry.Manifest, entry.Payload, entry.PersistenceId, entry.SequenceNr), timeProvider, settings)
    {
    }

    public IAsyncEnumerable<JournalEnvelope> CurrentEventsByPersistenceId(string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, CancellationToken cancellationToken = default) =>
        ByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, live: false, cancellationToken);

    public IAsyncEnumerable<JournalEnvelope> EventsByPersistenceId(string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, CancellationToken cancellationToken = default) =>
        ByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, live: true, cancellationToken);

    public IAsyncEnumerable<JournalEnvelope> CurrentEventsByTag(string tag, long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering((after, limit, ct) => _journal.CurrentEventsByTagAsync(tag, after, limit, ct), afterOrdering, live: false, cancellationToken);

    public IAsyncEnumerable<JournalEnvelope> EventsByTag(string tag, long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering((after, limit, ct) => _journal.CurrentEventsByTagAsync(tag, after, limit, ct), afterOrdering, live: true, cancellationToken);

    public IAsyncEnumerable<JournalEnvelope> CurrentAllEvents(long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering(_journal.CurrentAllEventsAsync, afterOrdering, live: false, cancellationToken);

    public IAsyncEnumerable<JournalEnvelope> AllEvents(long afterOrdering = 0, CancellationToken cancellationToken = default) =>
        ByOrdering(_journal.CurrentAllEventsAsync, afterOrdering, live: true, cancellationToken);

    public IAsyncEnumerable<string> CurrentPersistenceIds(CancellationToken cancellationToken = default) =>
        _journal.CurrentPersistenceIdsAsync(cancellationToken);

    /// <summary>Every persistence id that has events, then each new one as it appears.</summary>
    public async IAsyncEnumerable<string> PersistenceIds([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The ordering is taken before the listing: an id whose first event commits after it is
        // either listed or met in the tail below (both, at worst: the set drops the second).
        var offset = await _journal.HighestOrderingAsync(cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var id in _journal.CurrentPersistenceIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (seen.Add(id))
            {
                yield return id;
            }
        }

        // Then only the events committed since, instead of listing every id again on each commit.
        // Stored events, not all events: compaction may thin out the tail, but never removes an
        // id's latest event, so no new id is lost to it.
        await foreach (var entry in ByOrderingEntries(_journal.CurrentStoredEventsAsync, offset, live: true, cancellationToken).ConfigureAwait(false))
        {
            if (seen.Add(entry.PersistenceId))
            {
                yield return entry.PersistenceId;
            }
        }
    }

    private async IAsyncEnumerable<JournalEnvelope> ByPersistenceId(string persistenceId, long from, long to, bool live, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!live)
        {
            // A current query ends at the id's history as it stands now, not at later writes.
            to = Math.Min(to, await _journal.ReadHighestSequenceNrAsync(persistenceId, 0, cancellationToken).ConfigureAwait(false));
        }

        var next = Math.Max(from, 1);
        while (next <= to)
        {
            var observed = _journal.Notifier.HighestOrdering;
            var count = 0;
            await foreach (var entry in _journal.ReplayAsync(persistenceId, next, to, _settings.BatchSize, cancellationToken).ConfigureAwait(false))
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

            await _journal.Notifier.WaitAsync(observed, _settings.RefreshInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<JournalEnvelope> ByOrdering(
        Func<long, int, CancellationToken, IAsyncEnumerable<JournalEntry>> fetch,
        long afterOrdering,
        bool live,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in ByOrderingEntries(fetch, afterOrdering, live, cancellationToken).ConfigureAwait(false))
        {
            yield return Envelope(entry);
        }
    }

    /// <summary>
    /// Pages of <paramref name="fetch"/> after <paramref name="afterOrdering"/>: a current query up
    /// to the highest ordering committed when it started, a live one forever, waiting for the next
    /// commit (or the refresh interval) whenever it has caught up.
    /// </summary>
    private async IAsyncEnumerable<JournalEntry> ByOrderingEntries(
        Func<long, int, CancellationToken, IAsyncEnumerable<JournalEntry>> fetch,
        long afterOrdering,
        bool live,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var end = live ? long.MaxValue : await _journal.HighestOrderingAsync(cancellationToken).ConfigureAwait(false);
        var offset = afterOrdering;
        while (offset < end)
        {
            // Read before the page: a commit landing while the page is read wakes the wait below.
            var observed = _journal.Notifier.HighestOrdering;
            var count = 0;
            await foreach (var entry in fetch(offset, _settings.BatchSize, cancellationToken).ConfigureAwait(false))
            {
                if (entry.Ordering > end)
                {
                    yield break;
                }

                count++;
                offset = entry.Ordering;
                yield return entry;
            }

            if (count == _settings.BatchSize)
            {
                continue;
            }

            if (!live)
            {
                yield break;
            }

            await _journal.Notifier.WaitAsync(Math.Max(observed, offset), _settings.RefreshInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private JournalEnvelope Envelope(JournalEntry entry) =>
        new(entry.Ordering, entry.PersistenceId, entry.SequenceNr, _deserialize(entry), entry.Timestamp, entry.Tags);
}

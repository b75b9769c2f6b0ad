using System.Runtime.CompilerServices;

namespace Cluster.Core.Persistence.Journal;

/// <summary>
/// The journal in memory, for unit tests and as the reference the SQL journals are checked
/// against: the same contract, no durability. One lock makes every write a commit in ordering order.
/// </summary>
public sealed class InMemoryJournal(TimeProvider? timeProvider = null, InMemorySnapshotStore? snapshots = null) : IJournal
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private readonly SortedList<long, JournalEntry> _byOrdering = [];
    private long _ordering;
    private long _compactedThrough;

    public JournalNotifier Notifier { get; } = new();

    /// <summary>Set to make every write fail as if the store were unreachable (fault tests).</summary>
    public Exception? FailWritesWith { get; set; }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        if (FailWritesWith is { } failure)
        {
            return Task.FromException<IReadOnlyList<WriteResult>>(failure);
        }

        var results = new WriteResult[writes.Count];
        long highest;
        lock (_lock)
        {
            var now = _clock.GetUtcNow().UtcTicks;
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                try
                {
                    write.Validate();
                }
                catch (ArgumentException e)
                {
                    results[i] = WriteResult.Rejected(e);
                    continue;
                }

                var stream = StreamOf(write.PersistenceId);
                if (write.LowestSequenceNr <= stream.Highest)
                {
                    results[i] = WriteResult.Rejected(new SequenceConflictException(write.PersistenceId, write.LowestSequenceNr));
                    continue;
                }

                var orderings = new long[write.Events.Count];
                for (var k = 0; k < orderings.Length; k++)
                {
                    var e = write.Events[k];
                    var entry = new JournalEntry(++_ordering, write.PersistenceId, e.SequenceNr, e.Manifest, e.Payload.ToArray(), e.Tags.ToArray(), write.WriterUuid, now, e.SerializerId);
                    stream.Events.Add(e.SequenceNr, entry);
                    _byOrdering.Add(entry.Ordering, entry);
                    orderings[k] = entry.Ordering;
                }

                stream.Highest = write.HighestSequenceNr;
                results[i] = WriteResult.Stored(orderings);
            }

            highest = _ordering;
        }

        Notifier.Committed(highest);
        return Task.FromResult<IReadOnlyList<WriteResult>>(results);
    }

    public async IAsyncEnumerable<JournalEntry> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        JournalEntry[] entries;
        lock (_lock)
        {
            entries = _streams.TryGetValue(persistenceId, out var stream)
                ? stream.Events.Values
                    .Where(e => e.SequenceNr >= fromSequenceNr && e.SequenceNr <= toSequenceNr && e.SequenceNr > stream.DeletedTo)
                    .Take((int)Math.Min(max, int.MaxValue))
                    .ToArray()
                : [];
        }

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_streams.TryGetValue(persistenceId, out var stream) ? stream.Highest : 0);
        }
    }

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var stream = StreamOf(persistenceId);
            stream.DeletedTo = Math.Max(stream.DeletedTo, Math.Min(toSequenceNr, stream.Highest));
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<JournalEntry> CurrentEventsByTagAsync(string tag, long afterOrdering, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var entry in Snapshot(afterOrdering, e => e.Tags.Contains(tag), limit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    public async IAsyncEnumerable<JournalEntry> CurrentAllEventsAsync(long afterOrdering, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var entry in Snapshot(afterOrdering, static _ => true, limit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    public async IAsyncEnumerable<JournalEntry> CurrentStoredEventsAsync(long afterOrdering, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var entry in Snapshot(afterOrdering, static _ => true, limit, allowCompacted: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    public async IAsyncEnumerable<string> CurrentPersistenceIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        string[] ids;
        lock (_lock)
        {
            ids = _streams.Where(s => s.Value.Events.Keys.Any(seq => seq > s.Value.DeletedTo)).Select(s => s.Key).ToArray();
        }

        foreach (var id in ids)
        {
            yield return id;
        }
    }

    public Task<long> HighestOrderingAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_ordering);
        }
    }

    public Task<long> CompactedThroughOrderingAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_compactedThrough);
        }
    }

    public async Task<CompactionResult> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default)
    {
        var snapshotsRemoved = 0L;
        var latestSnapshots = new Dictionary<string, long>(StringComparer.Ordinal);
        if (snapshots is not null)
        {
            string[] ids;
            lock (_lock)
            {
                ids = [.. _streams.Keys];
            }

            foreach (var id in ids)
            {
                var latest = await snapshots.LoadAsync(id, SnapshotSelectionCriteria.Latest, cancellationToken).ConfigureAwait(false);
                latestSnapshots[id] = latest?.SequenceNr ?? 0;
            }
        }

        var removed = 0L;
        lock (_lock)
        {
            foreach (var (id, stream) in _streams)
            {
                var coveredTo = Math.Max(stream.DeletedTo, latestSnapshots.GetValueOrDefault(id));
                var doomed = stream.Events.Values
                    .Where(e => e.SequenceNr <= coveredTo && e.SequenceNr < stream.Highest && e.Timestamp < request.OlderThan)
                    .ToArray();
                foreach (var entry in doomed)
                {
                    stream.Events.Remove(entry.SequenceNr);
                    _byOrdering.Remove(entry.Ordering);
                    _compactedThrough = Math.Max(_compactedThrough, entry.Ordering);
                    removed++;
                }
            }

            return new CompactionResult(removed, snapshotsRemoved, _compactedThrough);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private List<JournalEntry> Snapshot(long afterOrdering, Func<JournalEntry, bool> filter, int limit, bool allowCompacted = false)
    {
        lock (_lock)
        {
            if (afterOrdering < _compactedThrough && !allowCompacted)
            {
                throw new JournalCompactedException(afterOrdering, _compactedThrough);
            }

            var result = new List<JournalEntry>();
            foreach (var entry in _byOrdering.Values)
            {
                if (entry.Ordering <= afterOrdering || !filter(entry) || entry.SequenceNr <= _streams[entry.PersistenceId].DeletedTo)
                {
                    continue;
                }

                result.Add(entry);
                if (result.Count >= limit)
                {
                    break;
                }
            }

            return result;
        }
    }

    private Stream StreamOf(string persistenceId)
    {
        if (!_streams.TryGetValue(persistenceId, out var stream))
        {
            _streams[persistenceId] = stream = new Stream();
        }

        return stream;
    }

    private sealed class Stream
    {
        public SortedList<long, JournalEntry> Events { get; } = [];

        public long Highest { get; set; }

        public long DeletedTo { get; set; }
    }
}

/// <summary>Snapshots in memory, for unit tests.</summary>
public sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedList<long, SnapshotEntry>> _snapshots = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<SnapshotEntry?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_snapshots.TryGetValue(persistenceId, out var list)
                ? list.Values.LastOrDefault(criteria.Matches)
                : null);
        }
    }

    public Task SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_snapshots.TryGetValue(snapshot.PersistenceId, out var list))
            {
                _snapshots[snapshot.PersistenceId] = list = [];
            }

            list[snapshot.SequenceNr] = snapshot;
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string persistenceId, long sequenceNr, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_snapshots.TryGetValue(persistenceId, out var list))
            {
                list.Remove(sequenceNr);
            }
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_snapshots.TryGetValue(persistenceId, out var list))
            {
                foreach (var key in list.Values.Where(criteria.Matches).Select(s => s.SequenceNr).ToArray())
                {
                    list.Remove(key);
                }
            }
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

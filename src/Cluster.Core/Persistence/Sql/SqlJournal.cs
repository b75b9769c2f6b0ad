using System.Data.Common;
using System.Runtime.CompilerServices;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Sql;

/// <summary>
/// The journal over a <see cref="SqlDatabase"/> (Akka.Persistence.Sql's default schema). A batch of
/// many atomic writes is one exclusive transaction (group commit); conflicting writes are rejected
/// one by one while the rest of the batch is stored.
/// </summary>
public class SqlJournal : IJournal
{
    /// <summary>How often a batch is retried when a unique violation slips past the pre-check (another kind of writer).</summary>
    private const int MaxUniqueViolationRetries = 3;

    private readonly TimeProvider _clock;
    private readonly bool _ownsDatabase;

    public SqlJournal(SqlDatabase database, TimeProvider? timeProvider = null, bool ownsDatabase = false)
    {
        Database = database;
        _clock = timeProvider ?? TimeProvider.System;
        _ownsDatabase = ownsDatabase;
    }

    public SqlDatabase Database { get; }

    public JournalNotifier Notifier { get; } = new();

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Database.InitializeAsync(cancellationToken);

    public async Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        var invalid = new Exception?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            try
            {
                writes[i].Validate();
            }
            catch (ArgumentException e)
            {
                invalid[i] = e;
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var rejections = (Exception?[])invalid.Clone();
            try
            {
                var results = await Database.InWriteTransactionAsync(exclusive: true,
                    (connection, transaction) => StoreAcceptedAsync(connection, transaction, writes, rejections, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                var highest = results.Length == 0 ? 0 : results.Max(r => r.LastOrdering);
                if (highest > 0)
                {
                    Notifier.Committed(highest);
                }

                return results;
            }
            catch (Exception e) when (Database.IsUniqueViolation(e) && attempt < MaxUniqueViolationRetries)
            {
                // The pre-check runs inside the exclusive transaction, so this only happens when a
                // writer outside this contract inserted rows; the next attempt's pre-check sees them.
                PersistenceLog.UniqueViolationRetry(Database.Logger, Database.Description, attempt, e);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw Database.Failure("write", e);
            }
        }
    }

    public async IAsyncEnumerable<JournalEntry> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (max <= 0 || toSequenceNr < fromSequenceNr)
        {
            yield break;
        }

        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = SqlCommands.Create(connection, null, SqlJournalStatements.Replay(Database.TagAggregate),
            ("@pid", persistenceId), ("@from", fromSequenceNr), ("@to", toSequenceNr), ("@max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEntry(reader);
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await SqlCommands.ScalarAsync(connection, null, SqlJournalStatements.HighestSequenceNr(Database.Greatest), cancellationToken,
            ("@pid", persistenceId)).ConfigureAwait(false);
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        try
        {
            // Logical only: the rows (and so the highest sequence number) stay until compaction.
            // Exclusive (PostgreSQL: the advisory lock), so it cannot interleave with compaction.
            await Database.InWriteTransactionAsync(exclusive: true,
                (connection, transaction) => SqlCommands.ExecuteAsync(connection, transaction, SqlJournalStatements.MarkDeleted, cancellationToken,
                    ("@pid", persistenceId), ("@to", toSequenceNr)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Database.Failure("delete", e);
        }
    }

    public async IAsyncEnumerable<JournalEntry> CurrentEventsByTagAsync(string tag, long afterOrdering, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = await ReadPageAsync(SqlJournalStatements.EventsByTag(Database.TagAggregate), afterOrdering, limit, cancellationToken, ("@tag", tag)).ConfigureAwait(false);
        foreach (var entry in page)
        {
            yield return entry;
        }
    }

    public async IAsyncEnumerable<JournalEntry> CurrentAllEventsAsync(long afterOrdering, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = await ReadPageAsync(SqlJournalStatements.AllEvents(Database.TagAggregate), afterOrdering, limit, cancellationToken).ConfigureAwait(false);
        foreach (var entry in page)
        {
            yield return entry;
        }
    }

    public async IAsyncEnumerable<JournalEntry> CurrentStoredEventsAsync(long afterOrdering, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = await ReadPageAsync(SqlJournalStatements.AllEvents(Database.TagAggregate), afterOrdering, limit, allowCompacted: true, cancellationToken).ConfigureAwait(false);
        foreach (var entry in page)
        {
            yield return entry;
        }
    }

    public async IAsyncEnumerable<string> CurrentPersistenceIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = SqlCommands.Create(connection, null, SqlJournalStatements.PersistenceIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.GetString(0);
        }
    }

    public async Task<long> HighestOrderingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await SqlCommands.ScalarAsync(connection, null, SqlJournalStatements.HighestOrdering(Database.Greatest), cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CompactedThroughOrderingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await SqlCommands.ScalarAsync(connection, null, SqlJournalStatements.CompactedThrough, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CompactionResult> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default)
    {
        (long Removed, long CompactedThrough) outcome;
        try
        {
            // The search runs first on a reader connection, which does not hold up writers: when
            // nothing is old enough (the usual case), the exclusive transaction is skipped.
            await using (var reader = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await SqlCommands.ScalarAsync(reader, null, SqlJournalStatements.CompactableMaxOrdering, cancellationToken, ("@cutoff", request.OlderThan)).ConfigureAwait(false) == 0)
                {
                    return new CompactionResult(0, 0, await SqlCommands.ScalarAsync(reader, null, SqlJournalStatements.CompactedThrough, cancellationToken).ConfigureAwait(false));
                }
            }

            outcome = await Database.InWriteTransactionAsync(exclusive: true,
                (connection, transaction) => CompactInTransactionAsync(connection, transaction, request.OlderThan, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (outcome.Removed > 0)
            {
                await Database.AfterCompactionAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Database.Failure("compaction", e);
        }

        PersistenceLog.Compacted(Database.Logger, Database.Description, outcome.Removed, outcome.CompactedThrough);
        return new CompactionResult(outcome.Removed, 0, outcome.CompactedThrough);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    private static JournalEntry ReadEntry(DbDataReader reader)
    {
        var tags = reader.IsDBNull(7) ? [] : reader.GetString(7).Split('\u001f');
        Array.Sort(tags, StringComparer.Ordinal);
        return new JournalEntry(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetInt64(2),
            reader.IsDBNull(3) ? "" : reader.GetString(3),
            (byte[])reader.GetValue(4),
            tags,
            reader.IsDBNull(5) ? "" : reader.GetString(5),
            reader.GetInt64(6),
            reader.IsDBNull(8) ? 0 : reader.GetInt32(8));
    }

    /// <summary>Rejects the writes that lost a race, inserts the rest; <paramref name="rejections"/> comes in with the invalid ones.</summary>
    private async Task<WriteResult[]> StoreAcceptedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AtomicWrite> writes, Exception?[] rejections, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            if (rejections[i] is null)
            {
                ids.Add(writes[i].PersistenceId);
            }
        }

        // Inside the exclusive transaction nobody else can insert, so this check is authoritative:
        // a write at or below an id's highest sequence number lost the race and is rejected alone.
        var highest = ids.Count == 0
            ? []
            : await Database.ReadHighestSequenceNrsAsync(connection, transaction, ids, cancellationToken).ConfigureAwait(false);
        var results = new WriteResult[writes.Count];
        var accepted = new List<AtomicWrite>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (rejections[i] is null && write.LowestSequenceNr <= highest[write.PersistenceId])
            {
                rejections[i] = new SequenceConflictException(write.PersistenceId, write.LowestSequenceNr);
            }

            if (rejections[i] is { } rejection)
            {
                results[i] = WriteResult.Rejected(rejection);
                continue;
            }

            highest[write.PersistenceId] = write.HighestSequenceNr;
            accepted.Add(write);
        }

        var orderings = accepted.Count == 0
            ? []
            : await Database.InsertEventsAsync(connection, transaction, accepted, _clock.GetUtcNow().UtcTicks, cancellationToken).ConfigureAwait(false);
        for (int i = 0, next = 0; i < writes.Count; i++)
        {
            if (rejections[i] is null)
            {
                results[i] = WriteResult.Stored(orderings[next++]);
            }
        }

        return results;
    }

    private Task<List<JournalEntry>> ReadPageAsync(string sql, long afterOrdering, int limit, CancellationToken cancellationToken, params (string Name, object? Value)[] extra) =>
        ReadPageAsync(sql, afterOrdering, limit, allowCompacted: false, cancellationToken, extra);

    private async Task<List<JournalEntry>> ReadPageAsync(string sql, long afterOrdering, int limit, bool allowCompacted, CancellationToken cancellationToken, params (string Name, object? Value)[] extra)
    {
        var page = new List<JournalEntry>();
        if (limit <= 0)
        {
            return page;
        }

        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = SqlCommands.Create(connection, null, sql, [("@after", afterOrdering), ("@limit", limit), .. extra]))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add(ReadEntry(reader));
            }
        }

        // Checked after reading: compaction removes rows and raises the mark in one transaction, so
        // if it removed rows this page needed, this read of the mark sees it and the page is refused.
        var compactedThrough = await SqlCommands.ScalarAsync(connection, null, SqlJournalStatements.CompactedThrough, cancellationToken).ConfigureAwait(false);
        return afterOrdering < compactedThrough && !allowCompacted ? throw new JournalCompactedException(afterOrdering, compactedThrough) : page;
    }

    private async Task<(long Removed, long CompactedThrough)> CompactInTransactionAsync(DbConnection connection, DbTransaction transaction, long cutoff, CancellationToken cancellationToken)
    {
        var previous = await SqlCommands.ScalarAsync(connection, transaction, SqlJournalStatements.CompactedThrough, cancellationToken).ConfigureAwait(false);
        var highestRemoved = await SqlCommands.ScalarAsync(connection, transaction, SqlJournalStatements.CompactableMaxOrdering, cancellationToken, ("@cutoff", cutoff)).ConfigureAwait(false);
        if (highestRemoved == 0)
        {
            return (0, previous);
        }

        await SqlCommands.ExecuteAsync(connection, transaction, SqlJournalStatements.RememberCompactedHighest(Database.Greatest), cancellationToken, ("@cutoff", cutoff)).ConfigureAwait(false);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlJournalStatements.DeleteCompactableTags, cancellationToken, ("@cutoff", cutoff)).ConfigureAwait(false);
        var removed = await SqlCommands.ExecuteAsync(connection, transaction, SqlJournalStatements.DeleteCompactable, cancellationToken, ("@cutoff", cutoff)).ConfigureAwait(false);
        var compactedThrough = Math.Max(previous, highestRemoved);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlJournalStatements.SetCompactedThrough, cancellationToken, ("@value", compactedThrough)).ConfigureAwait(false);
        return (removed, compactedThrough);
    }
}

using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Sql.Sqlite;

/// <summary>
/// Batch statements for SQLite's write path: a group commit of a thousand events would otherwise
/// be a thousand single-row inserts plus a thousand highest-sequence-number queries, each a round
/// through the driver. Here rows go in multi-row statements and the pre-check reads many ids at
/// once; the results are matched by (persistence id, sequence number), never by row order.
/// </summary>
internal static class SqliteBatchWriter
{
    // 5 parameters a row; far below SQLite's limit of 32,766 parameters a statement.
    private const int RowsPerInsert = 200;
    private const int IdsPerQuery = 400;

    private static readonly ConcurrentDictionary<int, string> InsertSql = new();
    private static readonly ConcurrentDictionary<int, string> TagSql = new();
    private static readonly ConcurrentDictionary<int, string> HighestSql = new();

    public static async Task<Dictionary<string, long>> ReadHighestSequenceNrsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> persistenceIds, CancellationToken cancellationToken)
    {
        var result = persistenceIds.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal);
        foreach (var chunk in persistenceIds.Chunk(IdsPerQuery))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = HighestSql.GetOrAdd(chunk.Length, BuildHighest);
            for (var i = 0; i < chunk.Length; i++)
            {
                command.Parameters.Add(SqlCommands.Parameter(command, "@i" + Index(i), chunk[i]));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                result[id] = Math.Max(result[id], reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
            }
        }

        return result;
    }

    public static async Task<long> InsertEventsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AtomicWrite> writes, long created, CancellationToken cancellationToken)
    {
        var rows = writes.SelectMany(w => w.Events.Select(e => (Write: w, Event: e))).ToArray();
        var orderings = new Dictionary<(string, long), long>(rows.Length);
        var highest = 0L;
        foreach (var chunk in rows.Chunk(RowsPerInsert))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertSql.GetOrAdd(chunk.Length, BuildInsert);
            command.Parameters.Add(SqlCommands.Parameter(command, "@created", created));
            for (var i = 0; i < chunk.Length; i++)
            {
                var (write, e) = chunk[i];
                var n = Index(i);
                command.Parameters.Add(SqlCommands.Parameter(command, "@p" + n, write.PersistenceId));
                command.Parameters.Add(SqlCommands.Parameter(command, "@s" + n, e.SequenceNr));
                command.Parameters.Add(SqlCommands.Parameter(command, "@m" + n, e.Manifest));
                command.Parameters.Add(SqlCommands.Parameter(command, "@b" + n, e.Payload.ToArray()));
                command.Parameters.Add(SqlCommands.Parameter(command, "@w" + n, write.WriterUuid));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var ordering = reader.GetInt64(0);
                orderings[(reader.GetString(1), reader.GetInt64(2))] = ordering;
                highest = Math.Max(highest, ordering);
            }
        }

        var tags = rows
            .SelectMany(r => r.Event.Tags.Distinct(StringComparer.Ordinal)
                .Select(tag => (Ordering: orderings[(r.Write.PersistenceId, r.Event.SequenceNr)], Tag: tag, r.Write.PersistenceId, r.Event.SequenceNr)))
            .ToArray();
        foreach (var chunk in tags.Chunk(RowsPerInsert))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = TagSql.GetOrAdd(chunk.Length, BuildTags);
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = Index(i);
                command.Parameters.Add(SqlCommands.Parameter(command, "@o" + n, chunk[i].Ordering));
                command.Parameters.Add(SqlCommands.Parameter(command, "@t" + n, chunk[i].Tag));
                command.Parameters.Add(SqlCommands.Parameter(command, "@p" + n, chunk[i].PersistenceId));
                command.Parameters.Add(SqlCommands.Parameter(command, "@s" + n, chunk[i].SequenceNr));
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return highest;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string BuildInsert(int rows)
    {
        var sql = new StringBuilder("INSERT INTO journal (deleted, persistence_id, sequence_number, created, manifest, message, identifier, writer_uuid) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            var n = Index(i);
            sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"(false, @p{n}, @s{n}, @created, @m{n}, @b{n}, NULL, @w{n})");
        }

        return sql.Append(" RETURNING ordering, persistence_id, sequence_number").ToString();
    }

    private static string BuildTags(int rows)
    {
        var sql = new StringBuilder("INSERT INTO tags (ordering_id, tag, persistence_id, sequence_nr) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            var n = Index(i);
            sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"(@o{n}, @t{n}, @p{n}, @s{n})");
        }

        return sql.ToString();
    }

    private static string BuildHighest(int ids)
    {
        var list = string.Join(", ", Enumerable.Range(0, ids).Select(i => "@i" + Index(i)));
        return $"SELECT persistence_id, MAX(sequence_number) FROM journal WHERE persistence_id IN ({list}) GROUP BY persistence_id " +
            $"UNION ALL SELECT persistence_id, sequence_number FROM journal_metadata WHERE persistence_id IN ({list})";
    }
}

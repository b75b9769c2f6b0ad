using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Sql;

/// <summary>The snapshot store over a <see cref="SqlDatabase"/> (Akka.Persistence.Sql's <c>snapshot</c> table).</summary>
public class SqlSnapshotStore : ISnapshotStore
{
    private const string Criteria =
        "persistence_id = @pid AND sequence_number <= @maxSeq AND created <= @maxTs AND sequence_number >= @minSeq AND created >= @minTs";

    private readonly bool _ownsDatabase;

    public SqlSnapshotStore(SqlDatabase database, bool ownsDatabase = false)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    public SqlDatabase Database { get; }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Database.InitializeAsync(cancellationToken);

    public async Task<SnapshotEntry?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        await using var connection = await Database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = SqlCommands.Create(connection, null,
            $"SELECT persistence_id, sequence_number, created, manifest, snapshot, serializer_id FROM snapshot WHERE {Criteria} ORDER BY sequence_number DESC LIMIT 1",
            CriteriaParameters(persistenceId, criteria));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new SnapshotEntry(
            reader.GetString(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.IsDBNull(3) ? "" : reader.GetString(3),
            reader.IsDBNull(4) ? [] : (byte[])reader.GetValue(4),
            reader.IsDBNull(5) ? 0 : reader.GetInt32(5));
    }

    public Task SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default) =>
        WriteAsync("save snapshot",
            "INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot, manifest, serializer_id) VALUES (@pid, @seq, @created, @payload, @manifest, @serializer) " +
            "ON CONFLICT (persistence_id, sequence_number) DO UPDATE SET created = excluded.created, snapshot = excluded.snapshot, manifest = excluded.manifest, serializer_id = excluded.serializer_id",
            cancellationToken,
            ("@pid", snapshot.PersistenceId), ("@seq", snapshot.SequenceNr), ("@created", snapshot.Timestamp), ("@payload", snapshot.Payload), ("@manifest", snapshot.Manifest), ("@serializer", snapshot.SerializerId));

    public Task DeleteAsync(string persistenceId, long sequenceNr, CancellationToken cancellationToken = default) =>
        WriteAsync("delete snapshot", "DELETE FROM snapshot WHERE persistence_id = @pid AND sequence_number = @seq", cancellationToken,
            ("@pid", persistenceId), ("@seq", sequenceNr));

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        WriteAsync("delete snapshots", $"DELETE FROM snapshot WHERE {Criteria}", cancellationToken, CriteriaParameters(persistenceId, criteria));

    public async ValueTask DisposeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    private static (string, object?)[] CriteriaParameters(string persistenceId, SnapshotSelectionCriteria criteria) =>
    [
        ("@pid", persistenceId), ("@maxSeq", criteria.MaxSequenceNr), ("@maxTs", criteria.MaxTimestamp),
        ("@minSeq", criteria.MinSequenceNr), ("@minTs", criteria.MinTimestamp),
    ];

    private async Task WriteAsync(string operation, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        try
        {
            // Exclusive (PostgreSQL: the advisory lock), so it cannot interleave with compaction.
            await Database.InWriteTransactionAsync(exclusive: true,
                (connection, transaction) => SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Database.Failure(operation, e);
        }
    }
}

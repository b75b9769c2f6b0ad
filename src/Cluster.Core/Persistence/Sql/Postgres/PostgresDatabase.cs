using System.Data.Common;
using System.Text.RegularExpressions;
using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Cluster.Core.Persistence.Sql.Postgres;

/// <summary>
/// A PostgreSQL journal database (one schema of it). Journal inserts take a transaction-scoped
/// advisory lock before they draw ordering numbers, so orderings are handed out and committed in
/// the same order: a reader that sees ordering N has already been able to see everything below N.
/// </summary>
public sealed partial class PostgresDatabase : SqlDatabase
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly long _writeLockKey;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The schema holding the tables (created when missing); lets several journals share a database.</param>
    public PostgresDatabase(string connectionString, string schema = "public", ILogger? logger = null)
        : base(logger)
    {
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException($"Schema name '{schema}' must be lower-case letters, digits and underscores.", nameof(schema));
        }

        Schema = schema;
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        _dataSource = NpgsqlDataSource.Create(builder);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} schema {schema}";
        _writeLockKey = StableKey("cluster-journal-write:" + schema);
    }

    public string Schema { get; }

    public override string Description { get; }

    internal override string Greatest => "GREATEST";

    internal override string NowMillis => "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

    internal override string TagAggregate => "string_agg(t.tag, chr(31))";

    internal NpgsqlDataSource DataSource => _dataSource;

    protected override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    internal int SchemaVersion => Migrations.Count;

    public override Task BackupAsync(string destinationFile, CancellationToken cancellationToken = default) =>
        PostgresBackup.WriteAsync(this, destinationFile, cancellationToken);

    /// <summary>Loads a backup made by <see cref="BackupAsync"/> into this schema, which must be empty.</summary>
    public Task RestoreAsync(string backupFile, CancellationToken cancellationToken = default) =>
        PostgresBackup.RestoreAsync(this, backupFile, cancellationToken);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        // Under the write lock, so two processes creating the schema at once do not collide.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await SqlCommands.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("@key", _writeLockKey)).ConfigureAwait(false);
        await SqlCommands.ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {Schema}", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    internal override async Task<T> InWriteTransactionAsync<T>(bool exclusive, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await RunWriteTransactionAsync(exclusive, work, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            // The server went away: idle pooled connections are dead too, so drop them and let the
            // next write open fresh ones once the server is back.
            _dataSource.Clear();
            throw;
        }
    }

    private async Task<T> RunWriteTransactionAsync<T>(bool exclusive, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (exclusive)
        {
            // Held until commit: the next exclusive transaction draws its orderings only after this
            // one's rows are visible. That is the whole commit-order guarantee.
            await SqlCommands.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("@key", _writeLockKey)).ConfigureAwait(false);
        }

        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    internal override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    internal override async Task<Dictionary<string, long>> ReadHighestSequenceNrsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> persistenceIds, CancellationToken cancellationToken)
    {
        // One round trip for the whole batch instead of one per id.
        await using var command = SqlCommands.Create(connection, transaction,
            "SELECT p.id, GREATEST(COALESCE((SELECT MAX(sequence_number) FROM journal WHERE persistence_id = p.id), 0), " +
            "COALESCE((SELECT sequence_number FROM journal_metadata WHERE persistence_id = p.id), 0)) FROM unnest(@ids) AS p(id)",
            ("@ids", persistenceIds.ToArray()));
        var result = new Dictionary<string, long>(persistenceIds.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }

        return result;
    }

    internal override async Task<long[][]> InsertEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AtomicWrite> writes, long created, CancellationToken cancellationToken)
    {
        // One multi-row insert for the batch (a round trip per event would dominate group commit).
        var events = writes.SelectMany(w => w.Events.Select(e => (Write: w, Event: e))).ToArray();
        var orderings = new Dictionary<(string, long), long>(events.Length);
        await using (var insert = (NpgsqlCommand)SqlCommands.Create(connection, transaction,
            "INSERT INTO journal (deleted, persistence_id, sequence_number, created, manifest, message, identifier, writer_uuid) " +
            "SELECT false, u.pid, u.seq, @created, u.manifest, u.message, u.serializer, u.writer " +
            "FROM unnest(@pids, @seqs, @manifests, @messages, @writers, @serializers) WITH ORDINALITY AS u(pid, seq, manifest, message, writer, serializer, n) ORDER BY u.n " +
            "RETURNING ordering, persistence_id, sequence_number"))
        {
            insert.Parameters.AddWithValue("@created", created);
            insert.Parameters.AddWithValue("@pids", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(x => x.Write.PersistenceId).ToArray());
            insert.Parameters.AddWithValue("@seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, events.Select(x => x.Event.SequenceNr).ToArray());
            insert.Parameters.AddWithValue("@manifests", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(x => x.Event.Manifest).ToArray());
            insert.Parameters.AddWithValue("@messages", NpgsqlDbType.Array | NpgsqlDbType.Bytea, events.Select(x => x.Event.Payload.ToArray()).ToArray());
            insert.Parameters.AddWithValue("@writers", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(x => x.Write.WriterUuid).ToArray());
            insert.Parameters.AddWithValue("@serializers", NpgsqlDbType.Array | NpgsqlDbType.Integer, events.Select(x => x.Event.SerializerId).ToArray());
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                orderings[(reader.GetString(1), reader.GetInt64(2))] = reader.GetInt64(0);
            }
        }

        var tagged = events
            .SelectMany(x => x.Event.Tags.Distinct(StringComparer.Ordinal).Select(tag => (Ordering: orderings[(x.Write.PersistenceId, x.Event.SequenceNr)], Tag: tag, x.Write.PersistenceId, x.Event.SequenceNr)))
            .ToArray();
        if (tagged.Length > 0)
        {
            await using var insertTags = (NpgsqlCommand)SqlCommands.Create(connection, transaction,
                "INSERT INTO tags (ordering_id, tag, persistence_id, sequence_nr) SELECT * FROM unnest(@orderings, @tags, @pids, @seqs)");
            insertTags.Parameters.AddWithValue("@orderings", NpgsqlDbType.Array | NpgsqlDbType.Bigint, tagged.Select(t => t.Ordering).ToArray());
            insertTags.Parameters.AddWithValue("@tags", NpgsqlDbType.Array | NpgsqlDbType.Text, tagged.Select(t => t.Tag).ToArray());
            insertTags.Parameters.AddWithValue("@pids", NpgsqlDbType.Array | NpgsqlDbType.Text, tagged.Select(t => t.PersistenceId).ToArray());
            insertTags.Parameters.AddWithValue("@seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, tagged.Select(t => t.SequenceNr).ToArray());
            await insertTags.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Per event, not first..last: the sequence may leave gaps even within one statement.
        return writes.Select(w => w.Events.Select(e => orderings[(w.PersistenceId, e.SequenceNr)]).ToArray()).ToArray();
    }

    /// <summary>A 64-bit FNV-1a hash: advisory lock keys must be the same in every process.</summary>
    private static long StableKey(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}

using System.Data.Common;
using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Core.Persistence.Sql;

/// <summary>
/// One SQL database holding the journal, tag and snapshot tables: connections, the serialized write
/// transaction, schema migrations, backup. The journal and the snapshot store of one node share an
/// instance, so that SQLite has exactly one writer connection and compaction can see snapshots.
/// Providers differ only in what is overridden here; the journal and snapshot logic is shared.
/// </summary>
public abstract class SqlDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private bool _initialized;

    protected SqlDatabase(ILogger? logger)
    {
        Logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Names the store in error messages and logs (file path, or host/database/schema).</summary>
    public abstract string Description { get; }

    internal ILogger Logger { get; }

    /// <summary>The two-argument maximum: <c>max</c> in SQLite, <c>GREATEST</c> in PostgreSQL.</summary>
    internal abstract string Greatest { get; }

    /// <summary>An aggregate joining <c>t.tag</c> values with the unit separator (char 31).</summary>
    internal abstract string TagAggregate { get; }

    /// <summary>The database's clock in milliseconds since the epoch, as SQL (leases compare against one clock, not each host's).</summary>
    internal abstract string NowMillis { get; }

    /// <summary>Migration scripts; the script at index i brings the schema to version i + 1.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>Opens the store, checks it is readable, and applies missing migrations in order. Idempotent.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            try
            {
                await OpenAsync(cancellationToken).ConfigureAwait(false);
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not JournalStoreException and not OperationCanceledException)
            {
                throw Failure("start-up", e);
            }

            _initialized = true;
        }
        finally
        {
            _initialization.Release();
        }
    }

    /// <summary>Writes an online, consistent copy of the whole store to <paramref name="destinationFile"/> (which must not exist).</summary>
    public abstract Task BackupAsync(string destinationFile, CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();

    /// <summary>Opens connections and verifies the store can be read (a corrupt file must fail here, loudly).</summary>
    protected abstract Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>A connection for reading; the caller disposes it.</summary>
    internal abstract Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and commits it. With <paramref name="exclusive"/>
    /// the transaction is serialized against every other exclusive one on the database (also from
    /// other processes), which is what makes ordering follow commit order.
    /// </summary>
    internal abstract Task<T> InWriteTransactionAsync<T>(bool exclusive, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    internal abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Highest sequence number per id (journal rows and compacted ids), read inside the write transaction.</summary>
    internal virtual async Task<Dictionary<string, long>> ReadHighestSequenceNrsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> persistenceIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(persistenceIds.Count, StringComparer.Ordinal);
        await using var command = SqlCommands.Create(connection, transaction, SqlJournalStatements.HighestSequenceNr(Greatest), ("@pid", ""));
        foreach (var id in persistenceIds)
        {
            command.Parameters[0].Value = id;
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            result[id] = value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>Inserts the events and their tags; returns, per write, the orderings assigned to its events.</summary>
    internal virtual async Task<long[][]> InsertEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AtomicWrite> writes, long created, CancellationToken cancellationToken)
    {
        await using var insert = SqlCommands.Create(connection, transaction, SqlJournalStatements.InsertEventReturningOrdering,
            ("@pid", ""), ("@seq", 0L), ("@created", created), ("@manifest", ""), ("@message", Array.Empty<byte>()), ("@writer", ""), ("@serializer", 0));
        await using var insertTag = SqlCommands.Create(connection, transaction, SqlJournalStatements.InsertTag,
            ("@ordering", 0L), ("@tag", ""), ("@pid", ""), ("@seq", 0L));
        var orderings = new long[writes.Count][];
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            orderings[w] = new long[write.Events.Count];
            for (var k = 0; k < write.Events.Count; k++)
            {
                var e = write.Events[k];
                insert.Parameters[0].Value = write.PersistenceId;
                insert.Parameters[1].Value = e.SequenceNr;
                insert.Parameters[3].Value = e.Manifest;
                insert.Parameters[4].Value = e.Payload.ToArray();
                insert.Parameters[5].Value = write.WriterUuid;
                insert.Parameters[6].Value = e.SerializerId;
                var ordering = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                orderings[w][k] = ordering;
                foreach (var tag in e.Tags.Distinct(StringComparer.Ordinal))
                {
                    insertTag.Parameters[0].Value = ordering;
                    insertTag.Parameters[1].Value = tag;
                    insertTag.Parameters[2].Value = write.PersistenceId;
                    insertTag.Parameters[3].Value = e.SequenceNr;
                    await insertTag.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return orderings;
    }

    /// <summary>Gives freed space back after compaction (SQLite); nothing by default.</summary>
    internal virtual Task AfterCompactionAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Wraps a provider error into a clear <see cref="JournalStoreException"/> naming the store and the operation.</summary>
    internal JournalStoreException Failure(string operation, Exception exception) =>
        exception as JournalStoreException ?? new JournalStoreException($"Journal store {Description}: {operation} failed: {exception.Message}", exception);

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // In one exclusive transaction, so two processes starting at once apply each version once.
        await InWriteTransactionAsync(exclusive: true, async (connection, transaction) =>
        {
            await SqlCommands.ExecuteAsync(connection, transaction,
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
            var current = (int)await SqlCommands.ScalarAsync(connection, transaction, "SELECT MAX(version) FROM schema_version", cancellationToken).ConfigureAwait(false);
            if (current > Migrations.Count)
            {
                throw new JournalStoreException($"Journal store {Description} has schema version {current}, newer than this build knows ({Migrations.Count}); refusing to use it.");
            }

            for (var version = current + 1; version <= Migrations.Count; version++)
            {
                await SqlCommands.ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version, applied) VALUES (@v, @t)", cancellationToken,
                    ("@v", version), ("@t", DateTime.UtcNow.Ticks)).ConfigureAwait(false);
                Logger.MigrationApplied(Description, version);
            }

            return current;
        }, cancellationToken).ConfigureAwait(false);
    }
}

using System.Data.Common;
using Cluster.Core.Persistence.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Sql.Sqlite;

/// <summary>
/// An embedded SQLite journal database: WAL, synchronous=FULL (a commit is on disk before it is
/// acknowledged), one writer connection through which every write is serialized (SQLite has one
/// writer anyway; queueing here instead of in SQLite's busy loop is what avoids "database is
/// locked"), and pooled reader connections that WAL lets run beside the writer.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase
{
    /// <summary>How long a write waits for another process holding the write lock.</summary>
    private const int BusyTimeoutMilliseconds = 10_000;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _readerConnectionString;
    private readonly string _writerConnectionString;
    private SqliteConnection? _writer;

    public SqliteDatabase(string path, ILogger? logger = null)
        : base(logger)
    {
        Path = System.IO.Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30 };
        builder.Pooling = false;
        _writerConnectionString = builder.ToString();
        builder.Pooling = true;
        _readerConnectionString = builder.ToString();
    }

    public string Path { get; }

    public override string Description => $"SQLite {Path}";

    internal override string Greatest => "max";

    internal override string NowMillis => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    internal override string TagAggregate => "group_concat(t.tag, char(31))";

    protected override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    /// <summary>
    /// Restores a backup made by <see cref="BackupAsync"/> to <paramref name="databaseFile"/>, which must
    /// not exist yet (restores go into an empty data directory). The backup is checked before it is copied.
    /// </summary>
    public static async Task RestoreAsync(string backupFile, string databaseFile, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(backupFile))
        {
            throw new JournalStoreException($"Backup file {backupFile} does not exist.");
        }

        if (File.Exists(databaseFile) || File.Exists(databaseFile + "-wal"))
        {
            throw new JournalStoreException($"Cannot restore into {databaseFile}: it already exists; restore into an empty data directory.");
        }

        var check = new SqliteDatabase(backupFile);
        try
        {
            await check.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await check.DisposeAsync().ConfigureAwait(false);
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databaseFile))!);
        var temporary = databaseFile + ".restoring";
        File.Copy(backupFile, temporary, overwrite: true);
        File.Move(temporary, databaseFile);
    }

    public override async Task BackupAsync(string destinationFile, CancellationToken cancellationToken = default)
    {
        if (File.Exists(destinationFile))
        {
            throw new JournalStoreException($"Backup destination {destinationFile} already exists.");
        }

        try
        {
            // VACUUM INTO reads one consistent snapshot (a WAL read transaction) while writers go on.
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(connection, null, "VACUUM INTO @file", cancellationToken, ("@file", System.IO.Path.GetFullPath(destinationFile))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Failure("backup", e);
        }

        PersistenceLog.BackupWritten(Logger, Description, destinationFile);
    }

    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }

            using var pooled = new SqliteConnection(_readerConnectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new JournalStoreException($"The directory of the SQLite journal {Path} does not exist.");
        }

        var writer = new SqliteConnection(_writerConnectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(writer, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}", cancellationToken).ConfigureAwait(false);
            await VerifyIntegrityAsync(writer, cancellationToken).ConfigureAwait(false);

            // auto_vacuum only takes effect before the first table exists, which is the case for a new file.
            await SqlCommands.ExecuteAsync(writer, null, "PRAGMA auto_vacuum = INCREMENTAL", cancellationToken).ConfigureAwait(false);
            var mode = await QueryTextAsync(writer, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new JournalStoreException($"The SQLite journal {Path} cannot use WAL mode (journal_mode is {mode}).");
            }

            await SqlCommands.ExecuteAsync(writer, null, "PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 67108864", cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw new JournalStoreException($"The SQLite journal {Path} cannot be opened: it is corrupt, not a SQLite database, or unreadable ({e.Message}). Nothing was changed; restore it from a backup.", e);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _writer = writer;
    }

    internal override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readerConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    internal override async Task<T> InWriteTransactionAsync<T>(bool exclusive, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        // Every SQLite write is exclusive: one writer connection, and BEGIN IMMEDIATE takes the
        // database write lock up front so another process cannot slip in between read and write.
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var writer = _writer ?? throw new JournalStoreException($"Journal store {Description} is not initialized or already disposed.");
            await using var transaction = writer.BeginTransaction(deferred: false);
            var result = await work(writer, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    internal override async Task AfterCompactionAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_writer is null)
            {
                return;
            }

            // Hand the pages compaction freed back to the file system, then fold the WAL into the
            // database and truncate it, so the files stay bounded under churn.
            await SqlCommands.ExecuteAsync(_writer, null, "PRAGMA incremental_vacuum", cancellationToken).ConfigureAwait(false);
            await QueryTextAsync(_writer, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task<string> QueryTextAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, null, sql);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private async Task VerifyIntegrityAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, null, "PRAGMA quick_check");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && problems.Count < 5)
        {
            problems.Add(reader.GetString(0));
        }

        if (problems is not ["ok"])
        {
            throw new JournalStoreException($"The SQLite journal {Path} is corrupt (quick_check: {string.Join("; ", problems)}). Nothing was changed; restore it from a backup.");
        }
    }
}

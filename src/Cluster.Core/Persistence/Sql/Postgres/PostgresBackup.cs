using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Sql.Postgres;

/// <summary>
/// A logical backup of a PostgreSQL journal schema in a small self-describing file: a header with
/// the schema version, then each table as PostgreSQL binary COPY data in length-prefixed chunks.
/// All tables are read in one REPEATABLE READ transaction, so the copy is one consistent snapshot
/// while writers continue.
/// </summary>
internal static class PostgresBackup
{
    private const string Magic = "cluster-postgres-journal-backup";
    private const int ChunkSize = 1 << 16;

    /// <summary>Order matters on restore only for readability; there are no foreign keys.</summary>
    private static readonly string[] Tables = ["journal", "tags", "snapshot", "journal_metadata", "journal_state"];

    public static async Task WriteAsync(PostgresDatabase database, string destinationFile, CancellationToken cancellationToken)
    {
        if (File.Exists(destinationFile))
        {
            throw new JournalStoreException($"Backup destination {destinationFile} already exists.");
        }

        var temporary = destinationFile + ".partial";
        try
        {
            await using (var file = File.Create(temporary))
            await using (var writer = new BinaryWriter(file))
            {
                writer.Write(Magic);
                writer.Write(database.SchemaVersion);
                await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                var buffer = new byte[ChunkSize];
                foreach (var table in Tables)
                {
                    writer.Write(table);
                    await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                    int read;
                    while ((read = await copy.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        writer.Write(read);
                        writer.Write(buffer, 0, read);
                    }

                    writer.Write(0);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, destinationFile);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            File.Delete(temporary);
            throw database.Failure("backup", e);
        }

        PersistenceLog.BackupWritten(database.Logger, database.Description, destinationFile);
    }

    public static async Task RestoreAsync(PostgresDatabase database, string backupFile, CancellationToken cancellationToken)
    {
        await database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var file = File.OpenRead(backupFile);
        using var reader = new BinaryReader(file);
        if (reader.ReadString() != Magic)
        {
            throw new JournalStoreException($"{backupFile} is not a PostgreSQL journal backup.");
        }

        var version = reader.ReadInt32();
        if (version != database.SchemaVersion)
        {
            throw new JournalStoreException($"Backup {backupFile} has schema version {version}; this build restores version {database.SchemaVersion}.");
        }

        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var rows = await SqlCommands.ScalarAsync(connection, transaction,
                "SELECT (SELECT COUNT(*) FROM journal) + (SELECT COUNT(*) FROM snapshot) + (SELECT COUNT(*) FROM journal_state) + (SELECT COUNT(*) FROM journal_metadata)",
                cancellationToken).ConfigureAwait(false);
            if (rows != 0)
            {
                throw new JournalStoreException($"Cannot restore into {database.Description}: it is not empty; restore into an empty database or schema.");
            }

            foreach (var expected in Tables)
            {
                var table = reader.ReadString();
                if (table != expected)
                {
                    throw new JournalStoreException($"Backup {backupFile} is damaged: expected table {expected}, found {table}.");
                }

                await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                int length;
                while ((length = reader.ReadInt32()) > 0)
                {
                    await copy.WriteAsync(reader.ReadBytes(length), cancellationToken).ConfigureAwait(false);
                }
            }

            // COPY wrote the orderings as they were; move the identity past them so new events follow.
            await SqlCommands.ExecuteAsync(connection, transaction,
                "SELECT setval(pg_get_serial_sequence('journal', 'ordering'), GREATEST(COALESCE((SELECT MAX(ordering) FROM journal), 0), " +
                "COALESCE((SELECT value FROM journal_state WHERE name = 'compacted_through'), 0)) + 1, false)",
                cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not JournalStoreException)
        {
            throw database.Failure("restore", e);
        }
    }
}

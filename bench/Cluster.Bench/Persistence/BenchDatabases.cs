using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cluster.Bench.Persistence;

/// <summary>A database of one configuration under test: made fresh before it runs and removed after.</summary>
internal interface IBenchDatabase
{
    /// <summary>What is printed for it (a file or a schema).</summary>
    string Description { get; }

    Task CreateAsync();

    Task DropAsync();
}

/// <summary>
/// A fresh SQLite file. With <paramref name="presetWal"/> it is created in WAL mode (stored in the
/// file, so every later connection uses it), for a plugin that does not choose the mode itself;
/// otherwise it is left for the plugin to create (the project plugin sets WAL and its other file
/// settings, some of which only take on a new file).
/// </summary>
internal sealed class SqliteBenchFile(string path, bool presetWal) : IBenchDatabase
{
    public string Path { get; } = path;

    public string Description => Path;

    public async Task CreateAsync()
    {
        Delete();
        if (!presetWal)
        {
            return;
        }

        await using var connection = new SqliteConnection($"Data Source={Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = (string?)await command.ExecuteScalarAsync();
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Path}: SQLite refused WAL mode (journal_mode is {mode})");
        }
    }

    public Task DropAsync()
    {
        // Pooled connections keep the file open; let them go before it is removed.
        SqliteConnection.ClearAllPools();
        Delete();
        return Task.CompletedTask;
    }

    private void Delete()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}

/// <summary>A fresh PostgreSQL schema, dropped with everything in it afterwards.</summary>
internal sealed class PostgresBenchSchema(string connectionString, string schema) : IBenchDatabase
{
    public string ConnectionString { get; } = connectionString;

    public string Schema { get; } = schema;

    public string Description => $"schema {Schema}";

    public Task CreateAsync() => ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE; CREATE SCHEMA {Schema}");

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

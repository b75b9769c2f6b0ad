using Akka.Configuration;
using Cluster.Core.Configuration;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>Which database backs the journal plugin.</summary>
public enum JournalProvider
{
    /// <summary>SQLite in one file (WAL): the embedded default.</summary>
    Sqlite,

    /// <summary>PostgreSQL: the store for a control plane that spans hosts.</summary>
    Postgres,

    /// <summary>In memory, for tests: nothing survives the process.</summary>
    Memory,
}

/// <summary>
/// The settings of the project's journal plugin (HOCON section
/// <c>akka.persistence.journal.cluster-sql</c>), validated when the plugin's store opens, with
/// errors that name the full key.
/// </summary>
public sealed record JournalPluginSettings
{
    /// <summary>The plugin's configuration path: the journal every persistent actor uses by default.</summary>
    public const string JournalPath = "akka.persistence.journal.cluster-sql";

    /// <summary>The snapshot store plugin that shares the journal's database.</summary>
    public const string SnapshotStorePath = "akka.persistence.snapshot-store.cluster-sql";

    /// <summary>provider: sqlite, postgres or memory.</summary>
    public JournalProvider Provider { get; init; } = JournalProvider.Sqlite;

    /// <summary>connection-string: SQLite, the database file's path; PostgreSQL, an Npgsql connection string.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>connection-string-file: read the connection string (for example one with a password) from this file instead.</summary>
    public string ConnectionStringFile { get; init; } = "";

    /// <summary>schema: the PostgreSQL schema holding the tables.</summary>
    public string Schema { get; init; } = "public";

    /// <summary>memory-name: processes-wide name of an in-memory store, so a restarted actor system in one test finds its data; empty = a store of its own.</summary>
    public string MemoryName { get; init; } = "";

    /// <summary>max-batch-size: atomic writes committed in one transaction at most (group commit).</summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>compaction.history-window: history kept for watchers to resume from before compaction may remove it.</summary>
    public TimeSpan CompactionHistoryWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>compaction.interval: how often background compaction runs.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>One store is opened per database: plugins with the same key share it.</summary>
    public string StoreKey => $"{Provider}|{ConnectionString}|{ConnectionStringFile}|{Schema}|{MemoryName}";

    /// <summary>Reads and validates the plugin section <paramref name="config"/> found at <paramref name="path"/>.</summary>
    public static JournalPluginSettings FromConfig(Config config, string path = JournalPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new JournalPluginSettings();
        var providerText = config.GetString("provider", "sqlite");
        var provider = providerText.ToLowerInvariant() switch
        {
            "sqlite" => JournalProvider.Sqlite,
            "postgres" or "postgresql" => JournalProvider.Postgres,
            "memory" => JournalProvider.Memory,
            _ => throw SettingsException.Invalid(path + ".provider", providerText, "expected sqlite, postgres or memory"),
        };
        var settings = new JournalPluginSettings
        {
            Provider = provider,
            ConnectionString = config.GetString("connection-string", ""),
            ConnectionStringFile = config.GetString("connection-string-file", ""),
            Schema = config.GetString("schema", defaults.Schema),
            MemoryName = config.GetString("memory-name", ""),
            MaxBatchSize = Read(config, path, "max-batch-size", c => c.GetInt("max-batch-size", defaults.MaxBatchSize)),
            CompactionHistoryWindow = Read(config, path, "compaction.history-window", c => c.GetTimeSpan("compaction.history-window", defaults.CompactionHistoryWindow)),
            CompactionInterval = Read(config, path, "compaction.interval", c => c.GetTimeSpan("compaction.interval", defaults.CompactionInterval)),
        };
        settings.Validate(path);
        return settings;
    }

    public void Validate(string path = JournalPath)
    {
        SettingsException.Require(MaxBatchSize >= 1, path + ".max-batch-size", MaxBatchSize, "must be at least 1");
        SettingsException.Require(CompactionHistoryWindow >= TimeSpan.Zero, path + ".compaction.history-window", CompactionHistoryWindow, "must not be negative");
        SettingsException.Require(CompactionInterval > TimeSpan.Zero, path + ".compaction.interval", CompactionInterval, "must be positive");
        if (Provider != JournalProvider.Memory)
        {
            SettingsException.Require(
                ConnectionString.Length > 0 || ConnectionStringFile.Length > 0,
                path + ".connection-string",
                ConnectionString,
                Provider == JournalProvider.Sqlite ? "must name the database file" : "must be set (or connection-string-file)");
        }

        // SQLite takes a bare path too; a string of keywords is read by the provider's own builder, as the store reads it.
        if (ConnectionString.Length > 0 && (Provider == JournalProvider.Postgres || (Provider == JournalProvider.Sqlite && ConnectionString.Contains('=', StringComparison.Ordinal))))
        {
            // A connection string for the other provider (a PostgreSQL one left in the environment while the journal is
            // SQLite) fails here, naming the key, not deep in the driver when the node starts.
            try
            {
                _ = Provider == JournalProvider.Sqlite
                    ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).ToString()
                    : new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).ToString();
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                // The value is not repeated: it may hold a password.
                throw SettingsException.Invalid(path + ".connection-string", "(not shown)", $"is not a {Provider} connection string: {e.Message}");
            }
        }
    }

    /// <summary>The connection string, from the file when one is named (so a password never sits in a flag or a log line).</summary>
    public string ResolveConnectionString(string path = JournalPath)
    {
        if (ConnectionStringFile.Length == 0)
        {
            return ConnectionString;
        }

        try
        {
            return File.ReadAllText(ConnectionStringFile).Trim();
        }
        catch (IOException e)
        {
            throw SettingsException.Invalid(path + ".connection-string-file", ConnectionStringFile, "cannot be read: " + e.Message);
        }
    }

    /// <summary>Reads one setting, turning a malformed value into a <see cref="SettingsException"/> that names the full key.</summary>
    internal static T Read<T>(Config config, string path, string key, Func<Config, T> read)
    {
        try
        {
            return read(config);
        }
        catch (Exception e) when (e is FormatException or ConfigurationException or OverflowException)
        {
            throw SettingsException.Invalid(path + "." + key, config.GetString(key, ""), "expected " + (typeof(T) == typeof(int) ? "an integer" : "a duration such as 500ms, 10s or 5m"));
        }
    }
}

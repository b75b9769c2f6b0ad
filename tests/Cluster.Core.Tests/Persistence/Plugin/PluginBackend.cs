using Akka.Configuration;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Persistence.Sql.Postgres;
using Cluster.Core.Persistence.Sql.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// The database a plugin spec runs on: the journal plugin's settings for it, a way to make it
/// fail, and its clean-up. Every spec instance (so every test) gets a fresh, empty database.
/// </summary>
public abstract class PluginBackend : IDisposable
{
    /// <summary>The keys of <c>akka.persistence.journal.cluster-sql</c> that select this database.</summary>
    public abstract string JournalHocon { get; }

    public Config JournalConfig => ConfigurationFactory.ParseString($"akka.persistence.journal.cluster-sql {{ {JournalHocon} }}");

    /// <summary>From now on every write fails as when the database goes away: the store fails, not one write.</summary>
    public abstract Task BreakWritesAsync();

    /// <summary>
    /// A second journal over the same database, as another process opens it: its commits are not
    /// signalled to this process's readers. The caller disposes it.
    /// </summary>
    public abstract Task<IJournal> OpenSecondJournalAsync();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    protected static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// The <c>memory</c> provider, in a process-wide named store of its own; optionally with the
/// journal wrapped (instrumented) before the plugin gets it.
/// </summary>
public sealed class MemoryBackend : PluginBackend
{
    public MemoryBackend(Func<IJournal, IJournal>? wrap = null)
    {
        var snapshots = new InMemorySnapshotStore();
        Inner = new InMemoryJournal(null, snapshots);
        Journal = wrap?.Invoke(Inner) ?? Inner;
        InMemoryStores.Register(Name, Journal, snapshots);
    }

    public string Name { get; } = "plugin-spec-" + Guid.NewGuid().ToString("N");

    /// <summary>The journal the plugin uses (the wrapper, when there is one).</summary>
    public IJournal Journal { get; }

    /// <summary>The in-memory journal that stores the events.</summary>
    public InMemoryJournal Inner { get; }

    public override string JournalHocon => $"provider = memory, memory-name = {Quote(Name)}";

    public override Task BreakWritesAsync()
    {
        Inner.FailWritesWith = new JournalStoreException("the in-memory store is broken (test)");
        return Task.CompletedTask;
    }

    /// <summary>Undoes <see cref="BreakWritesAsync"/>: the store is back.</summary>
    public void RepairWrites() => Inner.FailWritesWith = null;

    public override Task<IJournal> OpenSecondJournalAsync() =>
        throw new NotSupportedException("An in-memory store has no second process: there is one journal object, and it signals every commit.");

    protected override void Dispose(bool disposing)
    {
        InMemoryStores.Remove(Name);
        Journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>SQLite in a temporary file.</summary>
public sealed class SqliteBackend : PluginBackend
{
    private readonly string _directory = Directory.CreateTempSubdirectory("plugin-spec-").FullName;

    public string DatabaseFile => Path.Combine(_directory, "journal.db");

    public override string JournalHocon => $"provider = sqlite, connection-string = {Quote(DatabaseFile)}";

    public override async Task BreakWritesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE tags; DROP TABLE journal;";
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<IJournal> OpenSecondJournalAsync()
    {
        var journal = new SqliteJournal(DatabaseFile);
        await journal.InitializeAsync();
        return journal;
    }

    protected override void Dispose(bool disposing)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>PostgreSQL (<c>CLUSTER_TEST_POSTGRES</c>) in a schema of its own, dropped at the end.</summary>
public sealed class PostgresBackend : PluginBackend
{
    public string Schema { get; } = PostgresTestServer.NewSchema();

    private static string ConnectionString =>
        new NpgsqlConnectionStringBuilder(PostgresTestServer.RequiredConnectionString) { MaxPoolSize = 20, Timeout = 10 }.ToString();

    public override string JournalHocon => $"provider = postgres, connection-string = {Quote(ConnectionString)}, schema = {Schema}";

    public override async Task BreakWritesAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP TABLE {Schema}.tags, {Schema}.journal");
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<IJournal> OpenSecondJournalAsync()
    {
        var journal = new SecondPostgresJournal(PostgresTestServer.NewDatabase(Schema));
        await journal.InitializeAsync();
        return journal;
    }

    protected override void Dispose(bool disposing) => PostgresTestServer.DropSchemaAsync(Schema).GetAwaiter().GetResult();

    /// <summary>A journal on a connection pool of its own, which it closes with itself.</summary>
    private sealed class SecondPostgresJournal(PostgresDatabase database) : Core.Persistence.Sql.SqlJournal(database, ownsDatabase: true);
}

using Akka.Actor;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql;
using Cluster.Core.Persistence.Sql.Postgres;
using Cluster.Core.Persistence.Sql.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// One open database behind the journal plugin: the journal, the snapshot store, the group-commit
/// writer and background compaction, shared by the journal and snapshot plugin actors and by
/// readers in the same process (the registry's watch cache, Persistence Query). Opened on first
/// use; the schema is created or migrated once, and every operation waits for that.
/// </summary>
public sealed class JournalStore : IAsyncDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownsStores;
    private GroupCommit? _writer;
    private JournalCompactor? _compactor;

    private JournalStore(IJournal journal, ISnapshotStore snapshots, JournalPluginSettings settings, bool ownsStores, PayloadSerializer serializer)
    {
        Journal = journal;
        Snapshots = snapshots;
        Settings = settings;
        _ownsStores = ownsStores;
        Serializer = serializer;
    }

    public IJournal Journal { get; }

    public ISnapshotStore Snapshots { get; }

    public JournalPluginSettings Settings { get; }

    /// <summary>Turns payloads into journal rows and back with the actor system's serializers.</summary>
    public PayloadSerializer Serializer { get; }

    /// <summary>The journal's writer_uuid for writes that carry no writer GUID of their own (a persistent actor's writes carry its incarnation's).</summary>
    public string WriterUuid { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Completes when the schema is ready; faults when the database could not be opened.</summary>
    public Task Ready => _ready.Task;

    internal GroupCommit Writer => _writer ?? throw new InvalidOperationException("The journal store is not open.");

    /// <summary>Opens the store for <paramref name="settings"/>: builds the database client and starts initializing it in the background.</summary>
    internal static JournalStore Open(ExtendedActorSystem system, JournalPluginSettings settings, ILoggerFactory loggers, TimeProvider clock)
    {
        IJournal journal;
        ISnapshotStore snapshots;
        var owns = true;
        switch (settings.Provider)
        {
            case JournalProvider.Memory when settings.MemoryName.Length > 0:
                (journal, snapshots) = InMemoryStores.Named(settings.MemoryName);
                owns = false;
                break;
            case JournalProvider.Memory:
                var memorySnapshots = new InMemorySnapshotStore();
                (journal, snapshots) = (new InMemoryJournal(clock, memorySnapshots), memorySnapshots);
                break;
            default:
                SqlDatabase database = settings.Provider == JournalProvider.Sqlite
                    ? new SqliteDatabase(SqlitePath(settings.ResolveConnectionString()), loggers.CreateLogger<SqliteDatabase>())
                    : new PostgresDatabase(settings.ResolveConnectionString(), settings.Schema, loggers.CreateLogger<PostgresDatabase>());
                (journal, snapshots) = (new SqlJournal(database, ownsDatabase: true), new SqlSnapshotStore(database));
                break;
        }

        var store = new JournalStore(journal, snapshots, settings, owns, new PayloadSerializer(system));
        store._writer = GroupCommit.Start(journal, settings.MaxBatchSize);
        _ = store.InitializeAsync(clock, loggers.CreateLogger<JournalCompactor>());
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_compactor is not null)
        {
            await _compactor.DisposeAsync().ConfigureAwait(false);
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsStores)
        {
            await Snapshots.DisposeAsync().ConfigureAwait(false);
            await Journal.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>"Data Source=FILE;..." (read by SQLite's own connection-string builder) or a bare path: the SQLite file.</summary>
    private static string SqlitePath(string connectionString) =>
        connectionString.Contains('=', StringComparison.Ordinal)
            ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource
            : connectionString;

    private async Task InitializeAsync(TimeProvider clock, ILogger<JournalCompactor> logger)
    {
        try
        {
            if (Journal is SqlJournal { Database: SqliteDatabase sqlite })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(sqlite.Path)!);
            }

            await Journal.InitializeAsync().ConfigureAwait(false);
            await Snapshots.InitializeAsync().ConfigureAwait(false);
            _compactor = new JournalCompactor(Journal, Settings.CompactionHistoryWindow, Settings.CompactionInterval, clock, logger);
            _compactor.Start();
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
        }
    }
}

/// <summary>Process-wide named in-memory stores: an actor system restarted in a test finds its data again.</summary>
public static class InMemoryStores
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (IJournal, ISnapshotStore)> Stores = new(StringComparer.Ordinal);

    public static (IJournal Journal, ISnapshotStore Snapshots) Named(string name) =>
        Stores.GetOrAdd(name, _ =>
        {
            var snapshots = new InMemorySnapshotStore();
            return (new InMemoryJournal(null, snapshots), snapshots);
        });

    /// <summary>
    /// Names a journal and snapshot store of the caller's making, so that a plugin configured with
    /// <c>memory-name = <paramref name="name"/></c> uses them (tests: a journal instrumented to hold
    /// writes at a gate or to fail them). The caller keeps ownership and disposes them.
    /// </summary>
    public static void Register(string name, IJournal journal, ISnapshotStore snapshots)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(snapshots);
        if (!Stores.TryAdd(name, (journal, snapshots)))
        {
            throw new InvalidOperationException($"An in-memory store named [{name}] already exists.");
        }
    }

    /// <summary>Forgets a named store (a test's clean-up).</summary>
    public static void Remove(string name) => Stores.TryRemove(name, out _);
}

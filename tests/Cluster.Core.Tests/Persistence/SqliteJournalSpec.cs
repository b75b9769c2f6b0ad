using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Sqlite;

namespace Cluster.Core.Tests.Persistence;

/// <summary>The contract against the SQLite journal, in a temporary file.</summary>
public sealed class SqliteJournalSpec : JournalContractSpec
{
    private readonly string _directory = Directory.CreateTempSubdirectory("journal-spec-").FullName;
    private SqliteDatabase? _database;

    private string DatabaseFile => Path.Combine(_directory, "journal.db");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<(IJournal Journal, ISnapshotStore Snapshots)> CreateStoresAsync()
    {
        _database = new SqliteDatabase(DatabaseFile);
        return Task.FromResult<(IJournal, ISnapshotStore)>((new SqliteJournal(_database, Clock), new SqliteSnapshotStore(_database)));
    }

    /// <summary>A second database object on the same file: its own writer connection, as another process would have.</summary>
    protected override async Task<IJournal> OpenSecondJournalAsync()
    {
        var journal = new SqliteJournal(DatabaseFile, Clock);
        await journal.InitializeAsync();
        return journal;
    }
}

using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Postgres;

namespace Cluster.Core.Tests.Persistence;

/// <summary>The contract against the PostgreSQL journal, each test in its own schema.</summary>
public sealed class PostgresJournalSpec : JournalContractSpec, IRequiresPostgres
{
    private readonly string _schema = PostgresTestServer.NewSchema();
    private PostgresDatabase? _database;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database!.DisposeAsync();
        await PostgresTestServer.DropSchemaAsync(_schema);
    }

    protected override Task<(IJournal Journal, ISnapshotStore Snapshots)> CreateStoresAsync()
    {
        _database = PostgresTestServer.NewDatabase(_schema);
        return Task.FromResult<(IJournal, ISnapshotStore)>((new PostgresJournal(_database, Clock), new PostgresSnapshotStore(_database)));
    }

    /// <summary>A second connection pool on the same schema, as another node would have.</summary>
    protected override async Task<IJournal> OpenSecondJournalAsync()
    {
        var journal = new SqlJournalOwningDatabase(PostgresTestServer.NewDatabase(_schema), Clock);
        await journal.InitializeAsync();
        return journal;
    }

    private sealed class SqlJournalOwningDatabase(PostgresDatabase database, TimeProvider clock)
        : Core.Persistence.Sql.SqlJournal(database, clock, ownsDatabase: true);
}

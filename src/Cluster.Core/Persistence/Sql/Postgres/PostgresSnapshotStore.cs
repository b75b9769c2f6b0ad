using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Sql.Postgres;

/// <summary>Snapshots in PostgreSQL: <see cref="SqlSnapshotStore"/> on a <see cref="PostgresDatabase"/>.</summary>
public sealed class PostgresSnapshotStore : SqlSnapshotStore
{
    /// <summary>A store sharing <paramref name="database"/> with the journal; the caller disposes the database.</summary>
    public PostgresSnapshotStore(PostgresDatabase database)
        : base(database)
    {
    }

    /// <summary>A store owning its own connection pool.</summary>
    public PostgresSnapshotStore(string connectionString, string schema = "public", ILogger? logger = null)
        : base(new PostgresDatabase(connectionString, schema, logger), ownsDatabase: true)
    {
    }
}

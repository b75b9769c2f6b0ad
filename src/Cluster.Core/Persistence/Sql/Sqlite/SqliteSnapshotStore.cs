using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Sql.Sqlite;

/// <summary>Snapshots in SQLite: <see cref="SqlSnapshotStore"/> on a <see cref="SqliteDatabase"/>.</summary>
public sealed class SqliteSnapshotStore : SqlSnapshotStore
{
    /// <summary>A store sharing <paramref name="database"/> with the journal; the caller disposes the database.</summary>
    public SqliteSnapshotStore(SqliteDatabase database)
        : base(database)
    {
    }

    /// <summary>A store owning its own database file.</summary>
    public SqliteSnapshotStore(string path, ILogger? logger = null)
        : base(new SqliteDatabase(path, logger), ownsDatabase: true)
    {
    }
}

using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Sql.Sqlite;

/// <summary>The embedded default journal: <see cref="SqlJournal"/> on a <see cref="SqliteDatabase"/>.</summary>
public sealed class SqliteJournal : SqlJournal
{
    /// <summary>A journal sharing <paramref name="database"/> with a snapshot store; the caller disposes the database.</summary>
    public SqliteJournal(SqliteDatabase database, TimeProvider? timeProvider = null)
        : base(database, timeProvider)
    {
    }

    /// <summary>A journal owning its own database file.</summary>
    public SqliteJournal(string path, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(new SqliteDatabase(path, logger), timeProvider, ownsDatabase: true)
    {
    }
}

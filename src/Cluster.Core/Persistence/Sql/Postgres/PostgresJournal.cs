using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Sql.Postgres;

/// <summary>The journal for a control plane spread over hosts: <see cref="SqlJournal"/> on a <see cref="PostgresDatabase"/>.</summary>
public sealed class PostgresJournal : SqlJournal
{
    /// <summary>A journal sharing <paramref name="database"/> with a snapshot store; the caller disposes the database.</summary>
    public PostgresJournal(PostgresDatabase database, TimeProvider? timeProvider = null)
        : base(database, timeProvider)
    {
    }

    /// <summary>A journal owning its own connection pool.</summary>
    public PostgresJournal(string connectionString, string schema = "public", TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(new PostgresDatabase(connectionString, schema, logger), timeProvider, ownsDatabase: true)
    {
    }
}

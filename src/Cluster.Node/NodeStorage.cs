using Cluster.Core.Persistence.Sql.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>The node's SQLite database in its data directory, shared by the journal and the snapshot store; opened on first use.</summary>
public sealed class NodeStorage(string dataDirectory, ILoggerFactory loggers)
{
    private readonly Lazy<SqliteDatabase> _database = new(() =>
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteDatabase(Path.Combine(dataDirectory, "cluster.db"), loggers.CreateLogger<SqliteDatabase>());
    });

    public string DataDirectory => dataDirectory;

    public SqliteDatabase Database => _database.Value;
}

using System.Text.Json;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Cluster.Core.Persistence.Plugin;

namespace Cluster.Bench.Persistence;

/// <summary>
/// One configuration of the persistence benchmark: a journal plugin (with its snapshot store) on
/// a database of its own, and the actor system configuration that selects them.
/// </summary>
internal sealed record JournalUnderTest(string Name, string Settings, IBenchDatabase Database, Config Config)
{
    /// <summary>The project's plugin, named here so the targets can find its SQLite row.</summary>
    public const string ProjectSqlite = "cluster-sql, SQLite";

    /// <summary>LinqToDB's provider for Microsoft.Data.Sqlite, the SQLite driver the project already uses.</summary>
    private const string SqliteProvider = "SQLite.MS";

    /// <summary>LinqToDB's newest PostgreSQL dialect at or below the server the benchmark starts (15).</summary>
    private const string PostgresProvider = "PostgreSQL.15";

    /// <summary>Every configuration this run can measure: SQLite always, PostgreSQL when a server is at hand.</summary>
    public static IReadOnlyList<JournalUnderTest> All(string dataDirectory, string? postgres)
    {
        var tag = $"{Environment.ProcessId}";
        var list = new List<JournalUnderTest>
        {
            Project(ProjectSqlite, new SqliteBenchFile(Path.Combine(dataDirectory, $"cluster-sql-{tag}.db"), presetWal: false)),
            AkkaSql("Akka.Persistence.Sql, SQLite", new SqliteBenchFile(Path.Combine(dataDirectory, $"akka-sql-{tag}.db"), presetWal: true)),
        };
        if (postgres is not null)
        {
            list.Insert(1, Project("cluster-sql, PostgreSQL", new PostgresBenchSchema(postgres, $"bench_{tag}_cluster_sql")));
            list.Add(AkkaSql("Akka.Persistence.Sql, PostgreSQL", new PostgresBenchSchema(postgres, $"bench_{tag}_akka_sql")));
        }

        return list;
    }

    /// <summary>The project plugin with its defaults (group commit of up to max-batch-size writes per transaction).</summary>
    private static JournalUnderTest Project(string name, IBenchDatabase database)
    {
        var connection = database switch
        {
            SqliteBenchFile file => $"provider = sqlite\nconnection-string = {Quote(file.Path)}",
            PostgresBenchSchema pg => $"provider = postgres\nconnection-string = {Quote(pg.ConnectionString)}\nschema = {pg.Schema}",
            _ => throw new ArgumentOutOfRangeException(nameof(database)),
        };
        var config = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.cluster-sql {
              {{connection}}
            }
            """).WithFallback(ClusterPersistenceConfig.Default);
        var batch = config.GetInt($"{JournalPluginSettings.JournalPath}.max-batch-size");
        return new(name, $"defaults: group commit, max-batch-size {batch}", database, config);
    }

    /// <summary>
    /// Akka.Persistence.Sql tuned as its documentation allows: SQLite takes one writer at a time even
    /// in WAL mode, so parallelism 1 there (the documented advice); batches as large as the
    /// benchmark's concurrency (batch-size, "larger batches may be better with a fast or local
    /// database"), sent in one round trip; PostgreSQL keeps the documented 3 concurrent writers.
    /// </summary>
    private static JournalUnderTest AkkaSql(string name, IBenchDatabase database)
    {
        var (connection, provider, schema, parallelism) = database switch
        {
            SqliteBenchFile file => ($"Data Source={file.Path}", SqliteProvider, "null", 1),
            PostgresBenchSchema pg => (pg.ConnectionString, PostgresProvider, pg.Schema, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(database)),
        };
        const int batch = 1000;
        var config = ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{Quote(connection)}}
                  provider-name = "{{provider}}"
                  parallelism = {{parallelism}}
                  batch-size = {{batch}}
                  db-round-trip-max-batch-size = {{batch}}
                  default.schema-name = {{schema}}
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{Quote(connection)}}
                  provider-name = "{{provider}}"
                  default.schema-name = {{schema}}
                }
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
        return new(name, $"provider {provider}, parallelism {parallelism}, batch-size {batch}, db-round-trip-max-batch-size {batch}", database, config);
    }

    /// <summary>A HOCON string: JSON's quoting is valid HOCON, and connection strings hold ';' and '='.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}

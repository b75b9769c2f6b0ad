using System.Diagnostics;
using Cluster.Core.Persistence.Sql.Postgres;
using Npgsql;

namespace Cluster.Core.Tests.Persistence;

/// <summary>The PostgreSQL server the tests use, and a schema per test so tests never share tables.</summary>
internal static class PostgresTestServer
{
    public const string Variable = "CLUSTER_TEST_POSTGRES";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string RequiredConnectionString =>
        ConnectionString ?? throw new InvalidOperationException($"{Variable} is not set.");

    /// <summary>A fresh, unique schema name (dropped by <see cref="DropSchemaAsync"/>).</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..20];

    public static PostgresDatabase NewDatabase(string schema, string? connectionString = null) =>
        new(WithSmallPool(connectionString ?? RequiredConnectionString), schema);

    public static async Task DropSchemaAsync(string schema, string? connectionString = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(WithSmallPool(connectionString ?? RequiredConnectionString));
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs scripts/postgres.sh with the given port and directory (for tests that stop their own server).</summary>
    public static async Task RunScriptAsync(string verb, int port, string directory)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, verb]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PG_DIR"] = directory;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {verb} failed ({process.ExitCode}): {output} {error}");
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "postgres.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (scripts/postgres.sh) above " + AppContext.BaseDirectory);
    }

    private static string WithSmallPool(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20, Timeout = 10 }.ToString();
}

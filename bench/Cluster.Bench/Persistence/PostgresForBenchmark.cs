using System.Diagnostics;

namespace Cluster.Bench.Persistence;

/// <summary>
/// The PostgreSQL the benchmark uses: the one named by --postgres or CLUSTER_TEST_POSTGRES, or a
/// throwaway server started with scripts/postgres.sh on its own port and stopped (and deleted) afterwards.
/// </summary>
internal sealed class PostgresForBenchmark : IDisposable
{
    private const int DefaultPort = 54349;
    private readonly string? _script;
    private readonly int _port;

    private PostgresForBenchmark(string? connectionString, string? script, int port)
    {
        ConnectionString = connectionString;
        _script = script;
        _port = port;
    }

    public string? ConnectionString { get; }

    /// <summary>The given server, or a throwaway one on <paramref name="port"/> (default 54349), or null when none could be started.</summary>
    public static PostgresForBenchmark? Start(string? given, TextWriter log, int port = DefaultPort)
    {
        given ??= Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(given))
        {
            return new PostgresForBenchmark(given, null, port);
        }

        var script = FindScript();
        if (script is null)
        {
            log.WriteLine("postgresql: scripts/postgres.sh not found; PostgreSQL is left out");
            return null;
        }

        var (code, output) = RunScript(script, "start", port);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("CLUSTER_TEST_POSTGRES=", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            log.WriteLine($"postgresql: could not start a server (exit {code}); PostgreSQL is left out. {output.Trim()}");
            return null;
        }

        return new PostgresForBenchmark(line["CLUSTER_TEST_POSTGRES=".Length..].Trim(), script, port);
    }

    public void Dispose()
    {
        if (_script is not null)
        {
            RunScript(_script, "destroy", _port);
        }
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "postgres.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static (int Code, string Output) RunScript(string script, string command, int port)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(command);
        info.Environment["PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

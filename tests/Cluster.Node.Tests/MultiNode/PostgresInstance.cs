using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>A PostgreSQL server of the test's own (scripts/postgres.sh on a free port and a private directory), so it can be stopped and started without disturbing other tests.</summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private readonly int _port;
    private readonly string _directory;

    private PostgresInstance(int port, string directory)
    {
        _port = port;
        _directory = directory;
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10";

    public static async Task<PostgresInstance> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var instance = new PostgresInstance(port, Path.Combine(Path.GetTempPath(), "cluster-pg-test-" + Guid.NewGuid().ToString("N")));
        await instance.RunAsync("start");
        return instance;
    }

    public Task StopAsync() => RunAsync("stop");

    public Task RestartAsync() => RunAsync("start");

    public async ValueTask DisposeAsync() => await RunAsync("destroy");

    private async Task RunAsync(string verb)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "postgres.sh"));
        info.ArgumentList.Add(verb);
        info.Environment["PG_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PG_DIR"] = _directory;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {verb} failed: {await output}{await error}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Actors.sln) is not above " + AppContext.BaseDirectory);
    }
}

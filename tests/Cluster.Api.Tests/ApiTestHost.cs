using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Configuration;
using Akka.Hosting;
using Cluster.Core.Configuration;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Cluster.Api.Tests;

/// <summary>
/// The API server in-process over a real Kestrel socket on a free loopback port, with the registry
/// on one journal backend: "memory", "sqlite" (a file that survives <see cref="RestartAsync"/>) or
/// "postgres" (a fresh schema on the server named by CLUSTER_TEST_POSTGRES).
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    private readonly string _backend;
    private readonly string _directory;
    private readonly string _schema = "api_" + Guid.NewGuid().ToString("N")[..16];
    private readonly ITestOutputHelper? _output;
    private readonly RegistrySettings _registrySettings;
    private readonly Config _akkaConfig;
    private readonly TimeProvider? _clock;
    private readonly string _memoryName = "api-test-" + Guid.NewGuid().ToString("N");
    private WebApplication? _app;

    /// <summary>Extra services, and middleware before the API's endpoints (security, audit).</summary>
    private (Action<WebApplicationBuilder> Services, Action<WebApplication> Pipeline)? _extra;

    private ApiTestHost(string backend, ITestOutputHelper? output, RegistrySettings settings, Config akkaConfig, TimeProvider? clock)
    {
        _clock = clock;
        _backend = backend;
        _akkaConfig = akkaConfig;
        _output = output;
        _registrySettings = settings;
        _directory = Path.Combine(Path.GetTempPath(), "api-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The backends every contract test runs against (PostgreSQL when a server is configured or required).</summary>
    public static TheoryData<string> Backends()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES") is { Length: > 0 } || Environment.GetEnvironmentVariable("CLUSTER_REQUIRE_POSTGRES") == "1")
        {
            data.Add("postgres");
        }

        return data;
    }

    public HttpClient Client { get; private set; } = null!;

    public ResourceRegistry Registry => _app!.Services.GetRequiredService<ResourceRegistry>();

    public Akka.Actor.ActorSystem ActorSystem => _app!.Services.GetRequiredService<Akka.Actor.ActorSystem>();

    /// <summary>Starts a host; <paramref name="akkaConfig"/> (HOCON) goes before the test defaults; <paramref name="clock"/> replaces the system clock (kept across restarts).</summary>
    public static async Task<ApiTestHost> StartAsync(
        string backend, ITestOutputHelper? output = null, RegistrySettings? settings = null, string? akkaConfig = null, TimeProvider? clock = null,
        (Action<WebApplicationBuilder> Services, Action<WebApplication> Pipeline)? extra = null)
    {
        var host = new ApiTestHost(backend, output, settings ?? RegistrySettings.Default, ConfigurationFactory.ParseString(akkaConfig ?? ""), clock) { _extra = extra };
        await host.StartCoreAsync();
        return host;
    }

    /// <summary>Stops the server and starts a new one on the same stored data (not for "memory" across processes, but the same journal instance).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartCoreAsync();
    }

    public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(int Status, JsonNode? Body)> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<(int Status, JsonNode? Body)> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);

    public Task<(int Status, JsonNode? Body)> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public Task<(int Status, JsonNode? Body)> PatchAsync(string path, string body, string type = "application/merge-patch+json") => SendAsync(HttpMethod.Patch, path, body, type);

    public Task<(int Status, JsonNode? Body)> DeleteAsync(string path, string? body = null) => SendAsync(HttpMethod.Delete, path, body);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        InMemoryStores.Remove(_memoryName);
        if (_backend == "postgres")
        {
            await using var dataSource = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES")!);
            await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartCoreAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (_output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLoggerProvider(_output));
        }

        if (_clock is not null)
        {
            builder.Services.AddSingleton(_clock);
        }

        builder.Services.AddKubernetesApi(ApiServerSettings.Default with { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        builder.Services.AddAkka("api-test", (akka, _) =>
        {
            akka.AddHocon(_akkaConfig.WithFallback(TestClusterConfig.SingleNode).WithFallback(JournalConfig()), HoconAddMode.Prepend);
            akka.WithClusterPersistence().WithRegistry();
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        });
        builder.Services.AddClusterRegistry(_registrySettings);
        _extra?.Services(builder);
        _app = builder.Build();
        _extra?.Pipeline(_app);
        _app.MapKubernetesApi();
        await _app.StartAsync();
        _app.Services.GetRequiredService<ApiReadiness>().MarkReady();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The journal plugin's store for this host's backend; the same store again after a restart.</summary>
    private Config JournalConfig()
    {
        var path = JournalPluginSettings.JournalPath;
        var lines = _backend switch
        {
            "memory" => [AkkaConfigBridge.Setting(path + ".provider", "memory"), AkkaConfigBridge.Setting(path + ".memory-name", _memoryName)],
            "sqlite" => [AkkaConfigBridge.Setting(path + ".provider", "sqlite"), AkkaConfigBridge.Setting(path + ".connection-string", Path.Combine(_directory, "cluster.db"))],
            "postgres" => new[]
            {
                AkkaConfigBridge.Setting(path + ".provider", "postgres"),
                AkkaConfigBridge.Setting(path + ".connection-string", Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES") ?? throw new InvalidOperationException("CLUSTER_TEST_POSTGRES is not set but PostgreSQL tests are required")),
                AkkaConfigBridge.Setting(path + ".schema", _schema),
            },
            _ => throw new ArgumentException("unknown backend " + _backend),
        };
        return ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    private async Task StopAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}

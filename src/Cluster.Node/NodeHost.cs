using Cluster.Api;
using Cluster.Core.Actors;
using Cluster.Core.Hosting;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Sql;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Node.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// Builds the node's host: configuration, logging, the actor system with persistence (SQLite in
/// the data directory), the registry, the node agent and the Kubernetes API server.
/// </summary>
public static class NodeHost
{
    /// <summary>The node, ready to run: the builder plus the mapped API endpoints.</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var app = CreateBuilder(args, environment).Build();
        app.MapKubernetesApi();
        app.Services.GetRequiredService<KubeconfigWriter>().Attach(app);
        return app;
    }

    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
        NodeConfiguration.AddNodeSources(builder.Configuration, args, environment ?? NodeConfiguration.ProcessEnvironment());
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Every module's settings are read and validated here, before anything starts, so a bad
        // key stops the node with one clear message.
        var settings = NodeSettings.FromConfiguration(builder.Configuration);
        var actorSettings = ActorSystemSettings.FromConfiguration(builder.Configuration);
        var persistenceSettings = PersistenceSettings.FromConfiguration(builder.Configuration);
        var registrySettings = RegistrySettings.FromConfiguration(builder.Configuration);
        var apiSettings = ApiServerSettings.FromConfiguration(builder.Configuration);
        var dataDirectory = Path.GetFullPath(settings.DataDirectory);

        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var (host, port) = apiSettings.Endpoint();
            kestrel.Listen(System.Net.IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(settings);
        builder.Services.AddClusterRegistry(registrySettings);
        builder.Services.AddKubernetesApi(apiSettings);
        builder.Services.AddSingleton(sp => new NodeStorage(dataDirectory, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => new KubeconfigWriter(dataDirectory, settings, apiSettings, sp.GetRequiredService<ApiReadiness>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<KubeconfigWriter>()));
        builder.Services.AddActorSystem(settings.ActorSystemName, (actors, services) =>
        {
            actors.WithSettings(actorSettings);
            actors.WithPersistence(
                sp => new SqlJournal(sp.GetRequiredService<NodeStorage>().Database, ownsDatabase: true),
                sp => new SqlSnapshotStore(sp.GetRequiredService<NodeStorage>().Database),
                serialization => ObjectEvents.Register(serialization),
                persistenceSettings);
            actors.WithRegistry();
            actors.WithActor<NodeAgentActor>("node-agent", _ => NodeAgentActor.Props(settings));
            if (settings.SampleWorkload)
            {
                actors.WithStartup((system, sp, ct) =>
                {
                    var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Cluster.Node.SampleWorkload");
                    _ = Task.Run(() => SampleWorkload.RunAsync(system, logger, ct), ct);
                    return Task.CompletedTask;
                });
            }
        });
        return builder;
    }
}

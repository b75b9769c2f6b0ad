using Cluster.Core.Actors;
using Cluster.Core.Hosting;
using Cluster.Node.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>Builds the node's Generic Host: configuration, logging, the actor system and the node agent.</summary>
public static class NodeHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        NodeConfiguration.AddNodeSources(builder.Configuration, args, environment ?? NodeConfiguration.ProcessEnvironment());
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);

        // Every module's settings are read and validated here, before anything starts, so a bad
        // key stops the node with one clear message.
        var settings = NodeSettings.FromConfiguration(builder.Configuration);
        var actorSettings = ActorSystemSettings.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddActorSystem(settings.ActorSystemName, (actors, services) =>
        {
            actors.WithSettings(actorSettings);
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

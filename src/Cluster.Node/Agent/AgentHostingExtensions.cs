using Akka.Hosting;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>Starts the node agent once the registry serves: <c>services.AddNodeAgent(settings)</c> after <c>AddClusterRegistry</c>.</summary>
public static class AgentHostingExtensions
{
    public static IServiceCollection AddNodeAgent(this IServiceCollection services, AgentSettings settings, bool worker)
    {
        services.AddSingleton(settings);
        services.AddSingleton<AgentRuntime>();
        services.AddSingleton<Cluster.Api.Metrics.IResourceMetrics>(sp => sp.GetRequiredService<AgentRuntime>());
        services.AddSingleton<Cluster.Api.Resources.IPodLogs>(sp => new PodLogs(sp.GetRequiredService<AgentRuntime>()));
        services.AddHostedService(sp => new NodeAgentStarter(
            sp.GetRequiredService<IRequiredActor<NodeAgentActor>>(),
            sp.GetRequiredService<ResourceRegistry>(),
            sp.GetRequiredService<AgentRuntime>(),
            settings,
            worker,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<NodeAgentActor>()));
        return services;
    }
}

/// <summary>Finds the container runtime (agent.runtime) and hands it, with the started registry, to the node agent.</summary>
internal sealed partial class NodeAgentStarter(IRequiredActor<NodeAgentActor> agent, ResourceRegistry registry, AgentRuntime shared, AgentSettings settings, bool worker, TimeProvider clock, ILogger logger) : IHostedService
{
    private DockerRuntime? _runtime;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (worker && settings.Runtime != RuntimeChoice.None)
        {
            _runtime = await DockerRuntime.ConnectAsync(settings.DockerEndpoint, settings.InfraImage, cancellationToken).ConfigureAwait(false);
            if (_runtime is null)
            {
                LogNoRuntime(logger, settings.DockerEndpoint);
            }
        }

        var actor = await agent.GetAsync(cancellationToken).ConfigureAwait(false);
        actor.Tell(new NodeAgentActor.Start(registry, settings, _runtime, clock, shared), Akka.Actor.ActorRefs.NoSender);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "No container runtime was found: dockerd does not answer at {Endpoint}. This node registers but runs no pods. To run pods, install and start Docker (sudo bash scripts/docker-setup.sh does both and builds the local images), or set agent.docker-endpoint.")]
    private static partial void LogNoRuntime(ILogger logger, string endpoint);
}

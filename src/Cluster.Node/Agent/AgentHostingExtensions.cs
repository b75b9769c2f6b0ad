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
    public static IServiceCollection AddNodeAgent(this IServiceCollection services, AgentSettings settings, bool worker, NodeSettings? node = null)
    {
        services.AddSingleton(settings);
        services.AddSingleton(sp => new AgentRuntime
        {
            Endpoint = sp.GetService<Cluster.Api.ApiServerSettings>()?.Endpoint() is var (host, port) && port > 0 ? (host, port) : null,
        });
        services.AddSingleton<Cluster.Api.Streaming.IAgentDirectory>(sp => sp.GetRequiredService<AgentRuntime>());
        // Every member serves the whole cluster's usage: its own agents' and what the others publish (MetricsGossipActor).
        services.AddSingleton(sp => new Metrics.ClusterResourceMetrics(sp.GetRequiredService<TimeProvider>(), Metrics.ClusterResourceMetrics.StaleAfterFor(settings.MetricsInterval)));
        services.AddSingleton<Cluster.Api.Metrics.IResourceMetrics>(sp => sp.GetRequiredService<Metrics.ClusterResourceMetrics>());
        services.AddSingleton<Cluster.Api.Resources.IPodLogs>(sp => new PodLogs(sp.GetRequiredService<AgentRuntime>()));
        services.AddSingleton<Cluster.Api.Streaming.IPodStreams>(sp => new PodStreams(sp.GetRequiredService<AgentRuntime>()));
        services.AddHostedService(sp => new NodeAgentStarter(
            sp.GetRequiredService<IRequiredActor<NodeAgentActor>>(),
            sp.GetRequiredService<ResourceRegistry>(),
            sp.GetRequiredService<AgentRuntime>(),
            settings,
            worker,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<NodeAgentActor>(),
            sp.GetRequiredService<Akka.Actor.ActorSystem>(),
            node ?? new NodeSettings(),
            sp.GetService<Cluster.Api.Security.ServiceAccounts.TokenRequests>()));
        return services;
    }
}

/// <summary>Finds the container runtime (agent.runtime) and hands it, with the started registry, to the node agent.</summary>
internal sealed partial class NodeAgentStarter(
    IRequiredActor<NodeAgentActor> agent, ResourceRegistry registry, AgentRuntime shared, AgentSettings settings, bool worker, TimeProvider clock, ILogger logger,
    Akka.Actor.ActorSystem system, NodeSettings node, Cluster.Api.Security.ServiceAccounts.TokenRequests? tokens = null) : IHostedService
{
    private DockerRuntime? _runtime;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (worker && settings.Runtime == RuntimeChoice.Simulated)
        {
            // One agent per simulated node, all in this process (as kwok); the node's own agent is the first of them.
            var simulated = new SimulatedRuntime(settings.SimulatedStartDelay, clock);
            var first = await agent.GetAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 1; i <= settings.SimulatedNodes; i++)
            {
                var simulatedAgent = i == 1 ? first : system.ActorOf(NodeAgentActor.Props(node with { Name = SimulatedName(i) }, logger), "node-agent-sim-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                simulatedAgent.Tell(new NodeAgentActor.Start(registry, settings, simulated, clock, shared, Simulated: true, PublishMetrics: i == 1, Tokens: tokens), Akka.Actor.ActorRefs.NoSender);
            }

            LogSimulated(logger, settings.SimulatedNodes, SimulatedName(1));
            return;
        }

        if (worker && settings.Runtime != RuntimeChoice.None)
        {
            _runtime = await DockerRuntime.ConnectAsync(settings.DockerEndpoint, settings.InfraImage, cancellationToken).ConfigureAwait(false);
            if (_runtime is null)
            {
                LogNoRuntime(logger, settings.DockerEndpoint);
            }
        }

        var actor = await agent.GetAsync(cancellationToken).ConfigureAwait(false);
        actor.Tell(new NodeAgentActor.Start(registry, settings, _runtime, clock, shared, Tokens: tokens), Akka.Actor.ActorRefs.NoSender);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Simulated nodes are named after the node: &lt;name&gt;-sim-1, &lt;name&gt;-sim-2 ...</summary>
    private string SimulatedName(int i) => node.Name + "-sim-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 2207, Level = LogLevel.Information, Message = "Hosting {Count} simulated nodes ({First} ...)")]
    private static partial void LogSimulated(ILogger logger, int count, string first);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Warning,
        Message = "No container runtime was found: dockerd does not answer at {Endpoint}. This node registers but runs no pods. To run pods, install and start Docker (sudo bash scripts/docker-setup.sh does both and builds the local images), or set agent.docker-endpoint.")]
    private static partial void LogNoRuntime(ILogger logger, string endpoint);
}

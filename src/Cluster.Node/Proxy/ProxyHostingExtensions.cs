using Cluster.Core.Registry;
using Cluster.Node.Agent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Proxy;

/// <summary><c>services.AddServiceProxy(...)</c> after <c>AddClusterRegistry</c>: the node's service proxy (kube-proxy).</summary>
public static class ProxyHostingExtensions
{
    /// <param name="worker">The node runs pods (its agent is a worker's).</param>
    public static IServiceCollection AddServiceProxy(this IServiceCollection services, ProxySettings settings, AgentSettings agent, bool worker, NodeSettings node)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(node);

        // Auto proxies for pods in Docker: a node running none (or simulated ones) has no traffic to forward.
        var dockerPods = worker && agent.Runtime is RuntimeChoice.Docker or RuntimeChoice.Auto && DockerSocketPresent(agent.DockerEndpoint);
        services.AddSingleton(settings);
        services.AddSingleton(sp => new ServiceProxy(
            settings, dockerPods, sp.GetRequiredService<ResourceRegistry>(), node.Name, TimeProvider.System, sp.GetRequiredService<ILogger<ServiceProxy>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ServiceProxy>());
        return services;
    }

    private static bool DockerSocketPresent(string endpoint) =>
        !endpoint.StartsWith("unix://", StringComparison.Ordinal) || File.Exists(endpoint["unix://".Length..]);
}

using System.Net;
using Cluster.Core.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Endpoints;

/// <summary><c>services.AddApiServerEndpoints(listening, nodeName)</c> after <c>AddClusterRegistry</c>: this node's API behind the kubernetes Service.</summary>
public static class EndpointsHostingExtensions
{
    /// <param name="listening">Where the API listens (a host name other than localhost is not published).</param>
    public static IServiceCollection AddApiServerEndpoints(this IServiceCollection services, (string Host, int Port) listening, string nodeName)
    {
        var address = listening.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(listening.Host, out var ip) ? ip : null;
        services.AddSingleton(sp => new ApiServerEndpoints(
            address is null ? null : new IPEndPoint(address, listening.Port), sp.GetRequiredService<ResourceRegistry>(), nodeName, TimeProvider.System,
            sp.GetRequiredService<ILogger<ApiServerEndpoints>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ApiServerEndpoints>());
        return services;
    }
}

using Cluster.Core.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Dns;

/// <summary><c>services.AddClusterDns(settings)</c> after <c>AddClusterRegistry</c>: the node's cluster DNS server, answering from the registry's caches.</summary>
public static class DnsHostingExtensions
{
    public static IServiceCollection AddClusterDns(this IServiceCollection services, DnsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton(sp => new ServiceDirectory(sp.GetRequiredService<ResourceRegistry>()) { Domain = settings.ClusterDomain });
        services.AddSingleton(sp => new ClusterDnsResolver(sp.GetRequiredService<ServiceDirectory>(), settings.ClusterDomain));
        services.AddSingleton(sp => new ClusterDnsServer(settings, sp.GetRequiredService<ClusterDnsResolver>(), sp.GetRequiredService<ILogger<ClusterDnsServer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterDnsServer>());
        return services;
    }
}

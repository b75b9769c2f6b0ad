using Cluster.Core.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Dns;

/// <summary><c>services.AddClusterDns(settings, nodeName)</c> after <c>AddClusterRegistry</c>: the node's cluster DNS server, answering from the registry's caches, behind the kube-dns Service.</summary>
public static class DnsHostingExtensions
{
    /// <param name="nodeName">This node's name: its endpoints behind the kube-dns Service are named after it.</param>
    public static IServiceCollection AddClusterDns(this IServiceCollection services, DnsSettings settings, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton(sp => new ServiceDirectory(sp.GetRequiredService<ResourceRegistry>()) { Domain = settings.ClusterDomain });
        services.AddSingleton(sp => new ClusterDnsResolver(sp.GetRequiredService<ServiceDirectory>(), settings.ClusterDomain));
        services.AddSingleton(sp => new ClusterDnsServer(settings, sp.GetRequiredService<ClusterDnsResolver>(), sp.GetRequiredService<ILogger<ClusterDnsServer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterDnsServer>());
        services.AddSingleton(sp => new KubeDns(
            sp.GetRequiredService<ClusterDnsServer>(), sp.GetRequiredService<ResourceRegistry>(), nodeName, TimeProvider.System, sp.GetRequiredService<ILogger<KubeDns>>()));
        services.AddHostedService(sp => sp.GetRequiredService<KubeDns>());
        return services;
    }
}

using Cluster.Api.Security.Authentication;
using Cluster.Core.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cluster.Api.Security.ServiceAccounts;

/// <summary>ServiceAccount tokens' services: the issuer, the serviceaccounts/token handler's logic and the bearer authenticator.</summary>
public static class ServiceAccountExtensions
{
    /// <summary>
    /// Registers them over the <see cref="ServiceAccountKey"/> the host registered (the node's pki/sa.key); without one,
    /// a key kept in memory, so tokens then die with the process.
    /// </summary>
    public static IServiceCollection AddServiceAccountTokens(this IServiceCollection services, SecuritySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(_ => ServiceAccountKey.Create());
        services.TryAddSingleton(sp => new ServiceAccountTokens(sp.GetRequiredService<ServiceAccountKey>(), settings.ServiceAccountIssuer, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TokenRequests(sp.GetRequiredService<ResourceRegistry>(), sp.GetRequiredService<ServiceAccountTokens>()));
        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<ResourceRegistry>();
            return new ServiceAccountAuthenticator(sp.GetRequiredService<ServiceAccountTokens>(), (kind, ns, name) => registry.Cache(kind).Get(ns, name)?.Uid);
        });
        services.AddSingleton<ITokenAuthenticator>(sp => sp.GetRequiredService<ServiceAccountAuthenticator>());
        return services;
    }
}

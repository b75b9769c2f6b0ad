using Cluster.Api.Http;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Api.Security.Reviews;
using Cluster.Api.Security.ServiceAccounts;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security;

/// <summary>Composition: <c>services.AddKubernetesSecurity()</c>, <c>app.UseKubernetesSecurity()</c> before the endpoints, <c>MapAuthReviews()</c>.</summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Registers authentication (client certificates checked by <paramref name="certificates"/>, the static token file)
    /// and the authorizer the settings name. The certificate verifier is null for a server without TLS.
    /// </summary>
    public static IServiceCollection AddKubernetesSecurity(this IServiceCollection services, SecuritySettings settings, Func<IServiceProvider, IClientCertificateVerifier?> certificates)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(_ => settings.TokenFile.Length == 0 ? TokenFile.Empty : TokenFile.Load(settings.TokenFile));
        services.AddSingleton<ITokenAuthenticator>(sp => new StaticTokenAuthenticator(sp.GetRequiredService<TokenFile>()));
        services.AddServiceAccountTokens(settings);
        services.TryAddSingleton(sp => new RequestAuthenticator(certificates(sp), sp.GetServices<ITokenAuthenticator>()));
        services.TryAddSingleton(sp => new RbacAuthorizer(sp.GetRequiredService<ResourceRegistry>(), sp.GetRequiredService<ILogger<RbacAuthorizer>>()));
        services.TryAddSingleton<IRequestAuthorizer>(sp => settings.AuthorizationMode switch
        {
            SecuritySettings.AlwaysAllowMode => new AlwaysAllowAuthorizer(),
            SecuritySettings.RbacMode => sp.GetRequiredService<RbacAuthorizer>(),
            _ => new NodeAuthorizer(sp.GetRequiredService<RbacAuthorizer>(), sp.GetRequiredService<ResourceRegistry>()),
        });
        services.TryAddSingleton(sp => new RequestGuard(settings, sp.GetRequiredService<RequestAuthenticator>(), sp.GetRequiredService<IRequestAuthorizer>(), sp.GetRequiredService<ILogger<RequestGuard>>()));
        return services;
    }

    /// <summary>Every request passes the guard before routing reaches a handler.</summary>
    public static IApplicationBuilder UseKubernetesSecurity(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var guard = app.ApplicationServices.GetRequiredService<RequestGuard>();
        return app.Use(async (context, next) =>
        {
            if (guard.Admit(context) is { } refusal)
            {
                await ResponseWriter.WriteStatusAsync(context, refusal).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>The self reviews kubectl's <c>auth whoami</c> and <c>auth can-i</c> post.</summary>
    public static IEndpointRouteBuilder MapAuthReviews(this IEndpointRouteBuilder endpoints) => ReviewEndpoints.Map(endpoints);
}

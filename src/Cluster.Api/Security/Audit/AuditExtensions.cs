using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security.Audit;

/// <summary>Composition: <c>services.AddKubernetesAudit(settings)</c>, then <c>app.UseKubernetesAudit()</c> right before <c>UseKubernetesSecurity()</c>.</summary>
public static class AuditExtensions
{
    /// <summary>
    /// Registers the audit log when <see cref="AuditSettings.Enabled"/>; <see cref="AuditSettings.LogPath"/> must be resolved
    /// (<see cref="AuditSettings.InDataDirectory"/>). The policy file is read now, so a bad one stops the start.
    /// </summary>
    public static IServiceCollection AddKubernetesAudit(this IServiceCollection services, AuditSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return services;
        }

        ArgumentException.ThrowIfNullOrEmpty(settings.LogPath, nameof(settings));
        var policy = settings.PolicyFile.Length > 0 ? AuditPolicyFile.Load(settings.PolicyFile) : AuditPolicy.Default;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AuditLog(
            policy, new RotatingFile(settings.LogPath, settings.MaxSize, settings.MaxBackups), settings.BufferSize, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditLog>>()));
        services.TryAddSingleton(sp => new AuditMiddleware(
            sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<ApiServerSettings>().MaxRequestBodyBytes, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Records every request from here on; nothing when the audit log is off. Goes before the guard, so its refusals are recorded.</summary>
    public static IApplicationBuilder UseKubernetesAudit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetService<AuditMiddleware>() is { } audit ? app.Use(next => context => audit.InvokeAsync(context, next)) : app;
    }
}

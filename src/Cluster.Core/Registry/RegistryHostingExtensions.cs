using Akka.Actor;
using Akka.Hosting;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry;

/// <summary>
/// Hosting: <c>services.AddAkka(name, (akka, sp) => akka.WithClusterPersistence().WithRegistry())</c>,
/// then <c>services.AddClusterRegistry()</c> (after <c>AddAkka</c>, so the actor system is up when
/// the registry starts).
/// </summary>
public static class RegistryHostingExtensions
{
    /// <summary>Registers the built-in kinds, their strategies, the registry settings (section <c>registry</c>), the <see cref="ResourceRegistry"/> and the service that starts it.</summary>
    public static IServiceCollection AddClusterRegistry(this IServiceCollection services, RegistrySettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(KindCatalog.BuiltIn);
        services.TryAddSingleton(StrategyCatalog.BuiltIn);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => settings ?? RegistrySettings.FromConfiguration(sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build()));
        services.TryAddSingleton(sp => new ResourceRegistry(
            sp.GetRequiredService<ActorSystem>(),
            sp.GetRequiredService<KindCatalog>(),
            sp.GetRequiredService<StrategyCatalog>(),
            sp.GetRequiredService<RegistrySettings>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<RegistryHostedService>();
        return services;
    }

    /// <summary>
    /// The journal and snapshot-store plugins as the actor system's default persistence (their
    /// settings under <c>akka.persistence.journal.cluster-sql</c>), and the SQL lease on the same
    /// database (<c>akka.coordination.lease.cluster-sql</c>).
    /// </summary>
    public static AkkaConfigurationBuilder WithClusterPersistence(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddHocon(ClusterPersistenceConfig.Default, HoconAddMode.Append)
            .AddHocon(Coordination.SqlLeaseConfig.Default, HoconAddMode.Append);
    }

    /// <summary>The registry's Akka configuration (its serializers).</summary>
    public static AkkaConfigurationBuilder WithRegistry(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHocon(RegistryConfig.Default, HoconAddMode.Append);
    }
}

/// <summary>Starts the registry (shard region, watch cache, initial namespaces) with the host; stops it first on the way down. Namespace deletion is finished by the controller manager's namespace controller.</summary>
internal sealed class RegistryHostedService(ResourceRegistry registry) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await registry.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && (cancellationToken.IsCancellationRequested || registry.IsStopping))
        {
            // A start abandoned half way (Ctrl+C while starting) gets no StopAsync; the registry's
            // coordinated-shutdown task stops what it started. Whatever failed on the way is part
            // of stopping, not a fault.
            throw new OperationCanceledException("The node was stopped while the registry was starting.", e, cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await registry.DisposeAsync().ConfigureAwait(false);
}

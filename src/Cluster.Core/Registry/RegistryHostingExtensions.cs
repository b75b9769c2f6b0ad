using Cluster.Core.Actors;
using Cluster.Core.Hosting;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry;

/// <summary>Hosting: <c>services.AddClusterRegistry()</c>, then <c>actors.WithRegistry()</c> after <c>WithPersistence</c>.</summary>
public static class RegistryHostingExtensions
{
    /// <summary>Registers the built-in kinds, their strategies, the registry settings (section <c>registry</c>) and the <see cref="ResourceRegistry"/>.</summary>
    public static IServiceCollection AddClusterRegistry(this IServiceCollection services, RegistrySettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(KindCatalog.BuiltIn);
        services.TryAddSingleton(StrategyCatalog.BuiltIn);
        services.TryAddSingleton(sp => settings ?? RegistrySettings.FromConfiguration(sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build()));
        services.TryAddSingleton(sp => new ResourceRegistry(
            sp.GetRequiredService<ActorSystem>(),
            sp.GetRequiredService<KindCatalog>(),
            sp.GetRequiredService<StrategyCatalog>(),
            sp.GetRequiredService<RegistrySettings>()));
        return services;
    }

    /// <summary>Starts the registry (object actors' region, watch cache, initial namespaces) once persistence is installed.</summary>
    public static ActorSystemBuilder WithRegistry(this ActorSystemBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithStartup(async (system, services, ct) =>
        {
            var registry = services.GetRequiredService<ResourceRegistry>();
            await registry.StartAsync(ct).ConfigureAwait(false);
            var namespaces = new NamespaceLifecycle(registry, system.TimeProvider, system.LoggerFactory.CreateLogger<NamespaceLifecycle>(), TimeSpan.FromMilliseconds(500));
            namespaces.Start();
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stop-namespace-lifecycle", _ => namespaces.DisposeAsync().AsTask());
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-registry-feed", _ => registry.DisposeAsync().AsTask());
        });
    }
}

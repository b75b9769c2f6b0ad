using Cluster.Core.Actors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Hosting;

/// <summary>Embeds an actor system in a .NET Generic Host (Akka.Hosting's <c>AddAkka</c>).</summary>
public static class ActorSystemServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="ActorSystem"/> named <paramref name="name"/>, its
    /// <see cref="ActorRegistry"/>, <see cref="IRequiredActor{TKey}"/> and a hosted service that
    /// starts the configured actors and ties shutdown to the host. Settings come from the
    /// configuration section <c>actors</c> unless the builder sets them.
    /// </summary>
    public static IServiceCollection AddActorSystem(
        this IServiceCollection services,
        string name,
        Action<ActorSystemBuilder, IServiceProvider>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var builder = new ActorSystemBuilder(name);
            configure?.Invoke(builder, sp);
            return builder;
        });
        services.AddSingleton(sp =>
        {
            var builder = sp.GetRequiredService<ActorSystemBuilder>();
            var settings = builder.Settings
                ?? ActorSystemSettings.FromConfiguration(sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build());
            return ActorSystem.Create(
                name,
                settings,
                sp.GetService<ILoggerFactory>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => ActorRegistry.For(sp.GetRequiredService<ActorSystem>()));
        services.AddSingleton(typeof(IRequiredActor<>), typeof(RequiredActor<>));
        services.AddHostedService<ActorSystemHostedService>();
        return services;
    }
}

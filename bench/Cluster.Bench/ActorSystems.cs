using Akka.Actor;
using Akka.Configuration;
using Akka.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Bench;

/// <summary>Actor systems of the benchmarks: each lives for one measurement and is fully terminated after it.</summary>
internal static class ActorSystems
{
    /// <summary>Akka's defaults with logging turned down to warnings, so the console shows figures.</summary>
    public static Config Quiet { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    /// <summary>
    /// Runs <paramref name="body"/> in a new actor system (<paramref name="config"/> over <see cref="Quiet"/>)
    /// and waits for its termination. The system gets an empty service provider: the project's journal
    /// plugin looks for host services (loggers, clock) through Akka.DependencyInjection, and without a
    /// resolver Akka logs that failed lookup as an error before the plugin falls back to its defaults.
    /// </summary>
    public static async Task<T> RunAsync<T>(string name, Config? config, Func<ActorSystem, Task<T>> body)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        var setup = BootstrapSetup.Create()
            .WithConfig(config is null ? Quiet : config.WithFallback(Quiet))
            .And(DependencyResolverSetup.Create(services));
        var system = ActorSystem.Create(name, setup);
        try
        {
            return await body(system);
        }
        finally
        {
            await system.Terminate();
        }
    }
}

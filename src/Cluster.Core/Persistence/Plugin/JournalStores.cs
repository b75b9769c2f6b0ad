using System.Collections.Concurrent;
using Akka.Actor;
using Akka.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// The actor system's open journal stores, one per database (an Akka extension): the journal and
/// snapshot plugins of one database share it, and so do in-process readers. Loggers and the clock
/// come from the host's services when the system was started by Akka.Hosting.
/// </summary>
public sealed class JournalStores : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<string, Lazy<JournalStore>> _stores = new(StringComparer.Ordinal);

    internal JournalStores(ExtendedActorSystem system)
    {
        _system = system;
        system.RegisterOnTermination(() =>
        {
            foreach (var store in _stores.Values.Where(s => s.IsValueCreated))
            {
                store.Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
    }

    public static JournalStores Get(ActorSystem system) => system.WithExtension<JournalStores, JournalStoresProvider>();

    /// <summary>The store of the journal plugin configured at <paramref name="journalPluginPath"/> (default: the default journal).</summary>
    public JournalStore For(string? journalPluginPath = null)
    {
        var path = journalPluginPath ?? _system.Settings.Config.GetString("akka.persistence.journal.plugin", JournalPluginSettings.JournalPath);
        var config = _system.Settings.Config.GetConfig(path)
            ?? throw new InvalidOperationException($"No journal plugin is configured at {path}.");
        return For(JournalPluginSettings.FromConfig(config, path));
    }

    internal JournalStore For(JournalPluginSettings settings) =>
        _stores.GetOrAdd(settings.StoreKey, _ => new Lazy<JournalStore>(() => Open(settings))).Value;

    private JournalStore Open(JournalPluginSettings settings)
    {
        // Started through Akka.Hosting, the host's services give loggers and the clock; otherwise
        // (a plain ActorSystem) defaults. Asking DependencyResolver without a setup logs an error.
        IServiceProvider? services = null;
        if (_system.Settings.Setup.Get<DependencyResolverSetup>().HasValue)
        {
            services = DependencyResolver.For(_system).Resolver is ServiceProviderDependencyResolver resolver ? resolver.ServiceProvider : null;
        }

        var loggers = services?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var clock = services?.GetService<TimeProvider>() ?? TimeProvider.System;
        return JournalStore.Open(_system, settings, loggers, clock);
    }
}

public sealed class JournalStoresProvider : ExtensionIdProvider<JournalStores>
{
    public override JournalStores CreateExtension(ExtendedActorSystem system) => new(system);
}

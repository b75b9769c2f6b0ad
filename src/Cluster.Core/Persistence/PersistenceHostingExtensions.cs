using Cluster.Core.Actors;
using Cluster.Core.Hosting;
using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence;

/// <summary>Hosting: <c>builder.WithPersistence(...)</c> initializes the stores and installs persistence before later actors start.</summary>
public static class PersistenceHostingExtensions
{
    /// <summary>
    /// Initializes the journal and snapshot store (schema, migrations) and installs persistence
    /// with the types <paramref name="registerTypes"/> registers. Settings come from the
    /// <c>persistence</c> configuration section unless given. Register persistent actors after this.
    /// </summary>
    public static ActorSystemBuilder WithPersistence(
        this ActorSystemBuilder builder,
        Func<IServiceProvider, IJournal> journal,
        Func<IServiceProvider, ISnapshotStore> snapshotStore,
        Action<PersistenceSerialization> registerTypes,
        PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithStartup(async (system, services, ct) =>
        {
            var effective = settings ?? PersistenceSettings.FromConfiguration(services.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build());
            var events = journal(services);
            var snapshots = snapshotStore(services);
            await events.InitializeAsync(ct).ConfigureAwait(false);
            await snapshots.InitializeAsync(ct).ConfigureAwait(false);
            var serialization = new PersistenceSerialization();
            registerTypes(serialization);
            Persistence.Install(system, events, snapshots, serialization, effective);

            var compactor = new JournalCompactor(
                events,
                effective.CompactionHistoryWindow,
                effective.CompactionInterval,
                system.TimeProvider,
                system.LoggerFactory.CreateLogger<JournalCompactor>());
            compactor.Start();
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-journal-compaction", _ => compactor.DisposeAsync().AsTask());
        });
    }
}

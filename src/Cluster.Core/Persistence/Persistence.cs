using Cluster.Core.Actors;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence;

/// <summary>
/// The persistence extension of an actor system: its journal, snapshot store, serialization and
/// group-commit writer. Installed once (by hosting or a test), then used by every persistent actor.
/// </summary>
public sealed class Persistence
{
    private Persistence(ActorSystem system, IJournal journal, ISnapshotStore snapshots, PersistenceSerialization serialization, PersistenceSettings settings)
    {
        System = system;
        Journal = journal;
        SnapshotStore = snapshots;
        Serialization = serialization;
        Settings = settings;
        RecoveryPermits = new SemaphoreSlim(settings.MaxConcurrentRecoveries);
        Writer = new JournalWriteBatcher(journal, settings.MaxBatchSize);
        WriterUuid = Guid.NewGuid().ToString("N");
    }

    public ActorSystem System { get; }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public PersistenceSerialization Serialization { get; }

    public PersistenceSettings Settings { get; }

    /// <summary>Identifies this process's writes in the journal's writer_uuid column.</summary>
    public string WriterUuid { get; }

    internal SemaphoreSlim RecoveryPermits { get; }

    internal JournalWriteBatcher Writer { get; }

    /// <summary>Installs persistence into <paramref name="system"/>; the journal and store must be initialized.</summary>
    public static Persistence Install(
        ActorSystem system,
        IJournal journal,
        ISnapshotStore snapshots,
        PersistenceSerialization serialization,
        PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        settings ??= PersistenceSettings.Default;
        settings.Validate();
        var created = false;
        var persistence = system.GetExtension(s =>
        {
            created = true;
            return new Persistence(s, journal, snapshots, serialization, settings);
        });
        if (!created)
        {
            throw new InvalidOperationException($"Persistence is already installed in [{system.Name}].");
        }

        // The writer outlives every persistent actor: it closes only after the system terminated.
        _ = system.WhenTerminated.ContinueWith(_ => persistence.Writer.DisposeAsync().AsTask(), TaskScheduler.Default);
        return persistence;
    }

    /// <summary>The installed extension; throws if <see cref="Install"/> was not called.</summary>
    public static Persistence Get(ActorSystem system) =>
        system.GetExtension<Persistence>(s => throw new InvalidOperationException(
            $"Persistence is not installed in actor system [{s.Name}]: call Persistence.Install (or the hosting extension) first."));
}

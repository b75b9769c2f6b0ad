using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;
using AkkaCriteria = Akka.Persistence.SnapshotSelectionCriteria;
using StoreCriteria = Cluster.Core.Persistence.Journal.SnapshotSelectionCriteria;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// The snapshot store plugin (<c>akka.persistence.snapshot-store.cluster-sql</c>): the
/// <c>snapshot</c> table of the journal plugin's database (named by its <c>journal</c> key), so
/// compaction sees snapshots and events together. Timestamps are UTC ticks.
/// </summary>
public sealed class ClusterSnapshotStore : SnapshotStore
{
    private readonly string _journalPath;
    private JournalStore? _store;

    public ClusterSnapshotStore(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _journalPath = config.GetString("journal", JournalPluginSettings.JournalPath);
    }

    private JournalStore Store => _store ??= JournalStores.Get(Context.System).For(_journalPath);

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, AkkaCriteria criteria, CancellationToken cancellationToken)
    {
        await Store.Ready.ConfigureAwait(false);
        var entry = await Store.Snapshots.LoadAsync(persistenceId, Convert(criteria), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var snapshot = Store.Serializer.Deserialize(entry.Payload, entry.SerializerId, entry.Manifest, persistenceId, entry.SequenceNr);
        return new SelectedSnapshot(new SnapshotMetadata(persistenceId, entry.SequenceNr, new DateTime(entry.Timestamp, DateTimeKind.Utc)), snapshot);
    }

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        await Store.Ready.ConfigureAwait(false);
        var (manifest, bytes, serializerId) = Store.Serializer.Serialize(snapshot);
        var ticks = metadata.Timestamp == DateTime.MinValue ? DateTime.UtcNow.Ticks : metadata.Timestamp.ToUniversalTime().Ticks;
        await Store.Snapshots.SaveAsync(new Cluster.Core.Persistence.Journal.SnapshotEntry(metadata.PersistenceId, metadata.SequenceNr, ticks, manifest, bytes, serializerId), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        await Store.Ready.ConfigureAwait(false);
        if (metadata.Timestamp == DateTime.MinValue)
        {
            await Store.Snapshots.DeleteAsync(metadata.PersistenceId, metadata.SequenceNr, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A timestamp bounds the delete, as in Akka's SQL stores: a snapshot saved again at the
        // same sequence number after the caller read its metadata is newer, and stays.
        var ticks = metadata.Timestamp.ToUniversalTime().Ticks;
        await Store.Snapshots.DeleteAsync(metadata.PersistenceId, new StoreCriteria(metadata.SequenceNr, ticks, metadata.SequenceNr, 0), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(string persistenceId, AkkaCriteria criteria, CancellationToken cancellationToken)
    {
        await Store.Ready.ConfigureAwait(false);
        await Store.Snapshots.DeleteAsync(persistenceId, Convert(criteria), cancellationToken).ConfigureAwait(false);
    }

    private static StoreCriteria Convert(AkkaCriteria criteria) => new(
        criteria.MaxSequenceNr,
        criteria.MaxTimeStamp == DateTime.MaxValue ? long.MaxValue : criteria.MaxTimeStamp.ToUniversalTime().Ticks,
        criteria.MinSequenceNr,
        criteria.MinTimestamp is { } min && min != DateTime.MinValue ? min.ToUniversalTime().Ticks : 0);
}

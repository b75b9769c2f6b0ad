using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Cluster.Core.Persistence.Journal;
using AkkaAtomicWrite = Akka.Persistence.AtomicWrite;
using StoreAtomicWrite = Cluster.Core.Persistence.Journal.AtomicWrite;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// The project's SQL journal as an Akka.Persistence journal plugin
/// (<c>akka.persistence.journal.cluster-sql</c>): SQLite embedded or PostgreSQL across hosts, in
/// Akka.Persistence.Sql's table layout, with orderings in commit order and group commit. Akka
/// calls <see cref="WriteMessagesAsync"/> once per actor batch without waiting for the previous
/// call, so concurrent actors' writes meet in <see cref="GroupCommit"/> and share a transaction.
/// Every stored or replayed event is stamped with its ordering (<see cref="CommitOrdering"/>).
/// </summary>
public sealed class ClusterJournal : AsyncWriteJournal
{
    private readonly JournalPluginSettings _settings;

    // The write calls not yet answered, so that a drain can wait for exactly those begun before it.
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private JournalStore? _store;

    public ClusterJournal(Config config)
    {
        _settings = JournalPluginSettings.FromConfig(config);
    }

    private JournalStore Store => _store ??= JournalStores.Get(Context.System).For(_settings);

    protected override void PreStart()
    {
        base.PreStart();
        _ = Store;
    }

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AkkaAtomicWrite> messages, CancellationToken cancellationToken)
    {
        var write = WriteAsync(messages);
        if (!write.IsCompleted && _inFlight.TryAdd(write, 0))
        {
            _ = write.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
                _inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return write;
    }

    /// <summary>
    /// Answers <see cref="Drain"/> once every write this journal took before it has been stored or
    /// refused (its persistent actor may have stopped since): a shard's lease is given up only after
    /// that, so the next holder's recovery reads every event the previous one wrote.
    /// </summary>
    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not Drain)
        {
            return false;
        }

        Task.WhenAll(_inFlight.Keys).PipeTo(Sender, success: () => Drained.Instance);
        if (CanPublish)
        {
            // Like Akka's own plugin commands (publish-plugin-commands): tests see when the drain began.
            Context.System.EventStream.Publish(message);
        }

        return true;
    }

    private async Task<IImmutableList<Exception?>> WriteAsync(IEnumerable<AkkaAtomicWrite> messages)
    {
        var store = Store;
        await store.Ready.ConfigureAwait(false);
        var writes = messages.ToArray();
        var results = new Exception?[writes.Length];
        var pending = new Task<WriteResult>?[writes.Length];
        var payloads = new IImmutableList<IPersistentRepresentation>[writes.Length];
        for (var i = 0; i < writes.Length; i++)
        {
            var representations = (IImmutableList<IPersistentRepresentation>)writes[i].Payload;
            payloads[i] = representations;
            StoreAtomicWrite write;
            try
            {
                var events = new JournalEvent[representations.Count];
                for (var k = 0; k < events.Length; k++)
                {
                    events[k] = store.Serializer.ToEvent(representations[k].SequenceNr, representations[k].Payload);
                }

                // The actor incarnation's writer GUID (Akka's replay filter tells writers apart by
                // it); the process's own only for a write that carries none.
                var writer = representations.Count > 0 && representations[0].WriterGuid is { Length: > 0 } guid ? guid : store.WriterUuid;
                write = new StoreAtomicWrite(writes[i].PersistenceId, writer, events);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not serializable: this write is rejected, the actor carries on (Akka's contract).
                results[i] = e;
                continue;
            }

            pending[i] = store.Writer.WriteAsync(write);
        }

        for (var i = 0; i < writes.Length; i++)
        {
            if (pending[i] is not { } task)
            {
                continue;
            }

            // A store failure (the database is unreachable) throws here: Akka fails every write
            // of the call, and the actor stops, since nothing is known of what was stored.
            var result = await task.ConfigureAwait(false);
            if (result.Rejection is { } rejection)
            {
                results[i] = rejection;
                continue;
            }

            for (var k = 0; k < payloads[i].Count; k++)
            {
                var payload = payloads[i][k].Payload;
                CommitOrdering.Stamp(payload, result.Orderings[k]);
                if (payload is Tagged tagged)
                {
                    CommitOrdering.Stamp(tagged.Payload, result.Orderings[k]);
                }
            }
        }

        return results.All(r => r is null) ? null! : results.ToImmutableList();
    }

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await Store.Ready.ConfigureAwait(false);
        await Store.Journal.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken).ConfigureAwait(false);
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        var store = Store;
        await store.Ready.ConfigureAwait(false);
        if (max <= 0 || toSequenceNr < fromSequenceNr)
        {
            return;
        }

        await foreach (var entry in store.Journal.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max).ConfigureAwait(false))
        {
            var payload = store.Serializer.FromEntry(entry);
            CommitOrdering.Stamp(payload, entry.Ordering);
            recoveryCallback(new Persistent(payload, entry.SequenceNr, entry.PersistenceId, entry.Manifest, false, ActorRefs.NoSender, entry.WriterUuid, entry.Timestamp));
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await Store.Ready.ConfigureAwait(false);
        return await Store.Journal.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the journal to answer <see cref="Drained"/> when every write it took before this message is settled (a <see cref="Status.Failure"/> when one failed).</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();

        private Drain()
        {
        }
    }

    /// <summary>Every write taken before the <see cref="Drain"/> is stored or refused.</summary>
    public sealed record Drained
    {
        public static readonly Drained Instance = new();

        private Drained()
        {
        }
    }
}

using System.Threading.Channels;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// Group commit: the journal plugin hands in each actor's atomic writes as Akka delivers them (one
/// WriteMessages call per actor, concurrently); one loop takes everything that
/// queued up while the previous transaction was in flight and commits it as one batch. Under
/// load, thousands of actors' events share a transaction (and an fsync); an idle system writes at once.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IJournal _journal;
    private readonly int _maxBatchSize;
    private Task? _loop;
    private int _queued;

    private GroupCommit(IJournal journal, int maxBatchSize)
    {
        _journal = journal;
        _maxBatchSize = maxBatchSize;
    }

    /// <summary>Starts the commit loop over <paramref name="journal"/>.</summary>
    public static GroupCommit Start(IJournal journal, int maxBatchSize)
    {
        var commit = new GroupCommit(journal, maxBatchSize);
        commit._loop = Task.Run(commit.LoopAsync);
        return commit;
    }

    /// <summary>Writes waiting for the next transaction (tests observe group commit with it).</summary>
    internal int QueuedCount => Volatile.Read(ref _queued);

    /// <summary>Completes with the write's orderings when stored, with the cause when rejected; faults when the journal failed.</summary>
    public Task<WriteResult> WriteAsync(AtomicWrite write)
    {
        // Continuations run inline on the batcher: its only caller continues with a cheap post to an actor's mailbox.
        var pending = new PendingWrite(write, new TaskCompletionSource<WriteResult>());
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queued);
            pending.Completion.TrySetException(new ObjectDisposedException(nameof(GroupCommit), "The journal is shutting down."));
        }

        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<PendingWrite>(_maxBatchSize);
        var writes = new List<AtomicWrite>(_maxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            writes.Clear();
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                Interlocked.Decrement(ref _queued);
                batch.Add(pending);
                writes.Add(pending.Write);
            }

            try
            {
                var results = await _journal.WriteAsync(writes).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    private sealed record PendingWrite(AtomicWrite Write, TaskCompletionSource<WriteResult> Completion);
}

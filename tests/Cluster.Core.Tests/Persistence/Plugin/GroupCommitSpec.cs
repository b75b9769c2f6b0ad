using Akka.Actor;
using Cluster.Core.Persistence.Journal;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>A journal that counts the batches it is handed and holds them at a gate until opened.</summary>
public sealed class GatedJournal(IJournal inner) : DelegatingJournal(inner, disposeInner: false)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _batchSizes = new();
    private volatile TaskCompletionSource _gate = Opened();

    /// <summary>The size of every batch written so far, in order.</summary>
    public IReadOnlyCollection<int> BatchSizes => _batchSizes;

    /// <summary>From now on batches wait (counted already) until <see cref="Open"/>.</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public override async Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        _batchSizes.Enqueue(writes.Count);
        await _gate.Task.WaitAsync(cancellationToken);
        return await Inner.WriteAsync(writes, cancellationToken);
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

/// <summary>
/// Group commit through the plugin: while one transaction is in flight (held at a gate), the
/// writes of many actors queue up and go into the next transaction together; each actor still
/// learns its own events' orderings; a failed batch does not stop later ones.
/// </summary>
public sealed class GroupCommitSpec(ITestOutputHelper output) : PluginTestKit(new MemoryBackend(inner => new GatedJournal(inner)), output)
{
    private MemoryBackend Memory => (MemoryBackend)Backend;

    private GatedJournal Gated => (GatedJournal)Memory.Journal;

    /// <summary>Holds the first writer's batch at the gate, then has every other writer persist: they queue behind it.</summary>
    private void QueueBehindAHeldBatch(IReadOnlyList<IActorRef> actors, IReadOnlyList<Akka.TestKit.TestProbe> senders, Func<int, object> command)
    {
        Gated.Close();
        senders[0].Send(actors[0], command(0));
        AwaitCondition(() => Gated.BatchSizes.Count == 1);
        for (var i = 1; i < actors.Count; i++)
        {
            senders[i].Send(actors[i], command(i));
        }

        // Every write is queued before the gate opens, so they must share the next batch.
        AwaitCondition(() => Store.Writer.QueuedCount == actors.Count - 1);
        Gated.Open();
    }

    [JournalFact]
    public void ManyActorsPersistWhileAWriteIsInFlight_TheirWritesShareOneBatch()
    {
        var probe = CreateTestProbe();
        var counters = Enumerable.Range(0, 20).Select(i => NewCounter($"g{i}", probe)).ToArray();

        var senders = counters.Select(_ => CreateTestProbe()).ToArray();

        QueueBehindAHeldBatch(counters, senders, _ => 1);

        foreach (var sender in senders)
        {
            sender.ExpectMsg(("applied", 1, 1L));
        }

        Assert.Equal([1, 19], Gated.BatchSizes);
    }

    [JournalFact]
    public async Task ManyActorsInOneBatch_EachHandlerSeesItsOwnEventsOrderings()
    {
        var probe = CreateTestProbe();
        var writers = Enumerable.Range(0, 5).Select(i => NewWriter($"b{i}", probe)).ToArray();
        var senders = writers.Select(_ => CreateTestProbe()).ToArray();

        // Writer i persists i + 1 events in one atomic write.
        QueueBehindAHeldBatch(writers, senders, i => new PersistEvents([.. Enumerable.Range(0, i + 1).Select(k => (object)new Incremented(k))]));

        for (var i = 0; i < writers.Length; i++)
        {
            var seen = senders[i].ReceiveN(i + 1).Cast<Persisted>().Select(p => (p.SequenceNr, p.Ordering));
            var stored = await Store.Journal.ReplayAsync($"b{i}", 1, long.MaxValue, long.MaxValue).Select(e => (e.SequenceNr, e.Ordering)).ToListAsync();
            Assert.Equal(stored, seen);
        }

        Assert.Equal([1, 4], Gated.BatchSizes);
    }

    [JournalFact]
    public void CommandDuringAPendingWrite_WaitsAndSeesTheAppliedEvent()
    {
        var counter = NewCounter("wait", CreateTestProbe());
        Gated.Close();

        counter.Tell(5, TestActor);
        counter.Tell("get", TestActor);
        AwaitCondition(() => Gated.BatchSizes.Count == 1);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Gated.Open();

        ExpectMsg(("applied", 5, 1L));
        ExpectMsg(5);
    }

    [JournalFact]
    public async Task FailedBatch_StopsItsWriter_LaterBatchesCommit()
    {
        await CounterStoppedByAStoreFailureAsync("back");

        Memory.RepairWrites();
        var probe = CreateTestProbe();
        var again = Counter("back", probe.Ref);

        probe.ExpectMsg(("recovered", 1, 1L));
        again.Tell(10, TestActor);
        ExpectMsg(("applied", 11, 2L));
    }
}

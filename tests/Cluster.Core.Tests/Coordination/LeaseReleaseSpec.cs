using Akka.Coordination;
using Cluster.Core.Coordination;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Tests.Persistence;
using Cluster.Core.Tests.Persistence.Plugin;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Coordination;

/// <summary>
/// Releasing a lease waits for the journal: a shard stops its entities and then gives up its lease,
/// but a write an entity issued just before it stopped may still be on its way to the database.
/// The next holder must recover that write, or its own first write would collide with it.
/// </summary>
public sealed class LeaseReleaseSpec(ITestOutputHelper output)
    : PluginTestKit(new MemoryBackend(inner => new GatedJournal(inner)), output,
        SqlLeaseConfig.Hocon + "\nakka.coordination.lease.cluster-sql { heartbeat-timeout = 2s, heartbeat-interval = 200ms, lease-operation-timeout = 5s }")
{
    private readonly string _name = "lease-" + Guid.NewGuid().ToString("N")[..8];

    private MemoryBackend Memory => (MemoryBackend)Backend;

    private GatedJournal Gated => (GatedJournal)Memory.Journal;

    private SqlLease LeaseFor(string owner) => (SqlLease)LeaseProvider.Get(Sys).GetLease(_name, SqlLeaseConfig.Path, owner);

    /// <summary>Holds a write of a counter at the journal's gate, then stops the counter (as a shard stops its entities).</summary>
    private void StopWithAWriteInFlight(string id)
    {
        var counter = NewCounter(id, CreateTestProbe());
        Gated.Close();
        counter.Tell(1, TestActor);
        AwaitCondition(() => Gated.BatchSizes.Count == 1);
        StopAndWait(counter);
    }

    [JournalFact]
    public async Task Release_WhileAStoppedActorsWriteIsInFlight_WaitsUntilItIsStored_NextHolderRecoversIt()
    {
        var a = LeaseFor("a");
        var b = LeaseFor("b");
        Assert.True(await a.Acquire());
        StopWithAWriteInFlight("entity");

        var release = a.Release();

        // Still held (and renewed) while the write is on its way: past the heartbeat timeout, too.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(await b.Acquire());
        Assert.False(release.IsCompleted);

        Gated.Open();
        Assert.True(await release.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await b.Acquire());
        var probe = CreateTestProbe();
        Counter("entity", probe.Ref);
        probe.ExpectMsg(("recovered", 1, 1L));
    }

    [JournalFact]
    public async Task Release_WhenTheInFlightWriteFails_IsRefused_LeaseRunsOutInsteadOfPassingOnAtOnce()
    {
        var a = LeaseFor("a");
        var b = LeaseFor("b");
        Assert.True(await a.Acquire());
        StopWithAWriteInFlight("entity");

        var drains = CreateTestProbe();
        Sys.EventStream.Subscribe(drains.Ref, typeof(ClusterJournal.Drain));
        var release = a.Release();
        drains.ExpectMsg<ClusterJournal.Drain>();
        await Memory.BreakWritesAsync();
        Gated.Open();

        // Whether the write reached the database is unknown: the holder does not hand the lease on.
        Assert.False(await release.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await b.Acquire());
        await AwaitAssertAsync(async () => Assert.True(await b.Acquire()), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }
}

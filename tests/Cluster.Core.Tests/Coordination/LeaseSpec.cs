using Akka.Coordination;
using Cluster.Core.Coordination;
using Cluster.Core.Persistence.Sql;
using Cluster.Core.Tests.Persistence;
using Cluster.Core.Tests.Persistence.Plugin;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Coordination;

/// <summary>The lease on every journal backend: one holder at a time, expiry by the table's clock, fencing, shared renewal.</summary>
public abstract class LeaseSpec(PluginBackend backend, ITestOutputHelper output)
    : PluginTestKit(backend, output, SqlLeaseConfig.Hocon + "\nakka.coordination.lease.cluster-sql { heartbeat-timeout = 1s, heartbeat-interval = 200ms }")
{
    protected string Name { get; } = "lease-" + Guid.NewGuid().ToString("N")[..8];

    protected SqlLease LeaseFor(string owner, string? name = null) => (SqlLease)LeaseProvider.Get(Sys).GetLease(name ?? Name, SqlLeaseConfig.Path, owner);

    [JournalFact]
    public async Task Acquire_FreeLease_HeldByOne_OthersRefusedUntilReleased_FencingGrowsPerHolder()
    {
        var a = LeaseFor("a");
        var b = LeaseFor("b");

        Assert.True(await a.Acquire());
        Assert.True(a.CheckLease());
        Assert.False(await b.Acquire());
        Assert.False(b.CheckLease());
        Assert.True(await a.Acquire());
        var first = a.Fencing;

        Assert.True(await a.Release());
        Assert.False(a.CheckLease());
        Assert.True(await b.Acquire());
        Assert.Equal(first + 1, b.Fencing);
    }

    [JournalFact]
    public async Task Holder_StopsRenewing_LeaseRunsOutByTheTablesClock_ThenAnotherOwnerTakesIt()
    {
        var a = LeaseFor("a");
        Assert.True(await a.Acquire());
        var fencing = a.Fencing;
        a.Dispose();

        var b = LeaseFor("b");
        Assert.False(await b.Acquire());
        await AwaitAssertAsync(async () => Assert.True(await b.Acquire()), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.Equal(fencing + 1, b.Fencing);
    }

    [JournalFact]
    public async Task ManyLeasesOfOneOwner_SharedHeartbeat_AllStayHeldWellPastTheTimeout_OthersRefused()
    {
        // A member holds a lease per shard: one heartbeat renews them together (timeout 1s here).
        var names = Enumerable.Range(0, 120).Select(i => $"{Name}-{i}").ToArray();
        var held = names.Select(n => LeaseFor("a", n)).ToArray();
        var lost = 0;
        foreach (var lease in held)
        {
            Assert.True(await lease.Acquire(_ => Interlocked.Increment(ref lost)));
        }

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.All(held, lease => Assert.True(lease.CheckLease()));
        Assert.Equal(0, Volatile.Read(ref lost));
        foreach (var name in names.Where((_, i) => i % 10 == 0))
        {
            Assert.False(await LeaseFor("b", name).Acquire());
        }

        // Released ones are renewed no more: another owner gets them at once.
        Assert.True(await held[0].Release());
        Assert.True(await LeaseFor("b", names[0]).Acquire());
        Assert.True(held[1].CheckLease());
    }
}

/// <summary>The lease in a real SQL database: a takeover behind the holder's back is noticed.</summary>
public abstract class SqlLeaseSpec(PluginBackend backend, ITestOutputHelper output) : LeaseSpec(backend, output)
{
    [JournalFact]
    public async Task Holder_WhoseLeaseWasTakenOver_IsToldItLostIt()
    {
        var a = LeaseFor("a");
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await a.Acquire(e => lost.TrySetResult(e)));

        var database = ((SqlJournal)Store.Journal).Database;
        await database.InWriteTransactionAsync(false, (connection, transaction) =>
            SqlCommands.ExecuteAsync(connection, transaction, "UPDATE lease SET owner = 'intruder', fencing = fencing + 1 WHERE name = @name", CancellationToken.None, ("@name", Name)), CancellationToken.None);

        var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<LeaseException>(reason);
        Assert.Contains("another owner took it over", reason.Message, StringComparison.Ordinal);
        Assert.False(a.CheckLease());
    }
}

public sealed class SqliteSqlLeaseSpec(ITestOutputHelper output) : SqlLeaseSpec(new SqliteBackend(), output);

public sealed class PostgresSqlLeaseSpec(ITestOutputHelper output) : SqlLeaseSpec(new PostgresBackend(), output), IRequiresPostgres;

/// <summary>The in-memory journal keeps its leases in the process, with the same rules.</summary>
public sealed class MemoryLeaseSpec(ITestOutputHelper output) : LeaseSpec(new MemoryBackend(), output);

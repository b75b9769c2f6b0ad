using Akka.Coordination;
using Cluster.Core.Coordination;
using Cluster.Core.Persistence.Sql;
using Cluster.Core.Tests.Persistence;
using Cluster.Core.Tests.Persistence.Plugin;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Coordination;

/// <summary>The SQL lease on a real database: one holder at a time, expiry by the database's clock, fencing, loss.</summary>
public abstract class SqlLeaseSpec(PluginBackend backend, ITestOutputHelper output)
    : PluginTestKit(backend, output, SqlLeaseConfig.Hocon + "\nakka.coordination.lease.cluster-sql { heartbeat-timeout = 1s, heartbeat-interval = 200ms }")
{
    private readonly string _name = "lease-" + Guid.NewGuid().ToString("N")[..8];

    private SqlLease LeaseFor(string owner) => (SqlLease)LeaseProvider.Get(Sys).GetLease(_name, SqlLeaseConfig.Path, owner);

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
    public async Task Holder_StopsRenewing_LeaseRunsOutByTheDatabaseClock_ThenAnotherOwnerTakesIt()
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
    public async Task Holder_WhoseLeaseWasTakenOver_IsToldItLostIt()
    {
        var a = LeaseFor("a");
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await a.Acquire(e => lost.TrySetResult(e)));

        var database = ((SqlJournal)Store.Journal).Database;
        await database.InWriteTransactionAsync(false, (connection, transaction) =>
            SqlCommands.ExecuteAsync(connection, transaction, "UPDATE lease SET owner = 'intruder', fencing = fencing + 1 WHERE name = @name", CancellationToken.None, ("@name", _name)), CancellationToken.None);

        var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<LeaseException>(reason);
        Assert.Contains("another owner took it over", reason.Message, StringComparison.Ordinal);
        Assert.False(a.CheckLease());
    }
}

public sealed class SqliteSqlLeaseSpec(ITestOutputHelper output) : SqlLeaseSpec(new SqliteBackend(), output);

public sealed class PostgresSqlLeaseSpec(ITestOutputHelper output) : SqlLeaseSpec(new PostgresBackend(), output), IRequiresPostgres;

/// <summary>The lease needs a SQL database: on the in-memory store it says so.</summary>
public sealed class MemorySqlLeaseSpec(ITestOutputHelper output)
    : PluginTestKit(new MemoryBackend(), output, SqlLeaseConfig.Hocon)
{
    [Fact]
    public async Task Acquire_OnTheMemoryStore_IsALeaseExceptionNamingTheProvider()
    {
        var lease = LeaseProvider.Get(Sys).GetLease("l", SqlLeaseConfig.Path, "a");
        var error = await Assert.ThrowsAsync<LeaseException>(() => lease.Acquire());
        Assert.Contains("Memory", error.Message, StringComparison.Ordinal);
    }
}

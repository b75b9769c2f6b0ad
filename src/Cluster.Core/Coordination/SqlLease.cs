using Akka.Actor;
using Akka.Coordination;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Persistence.Sql;

namespace Cluster.Core.Coordination;

/// <summary>
/// An Akka.Coordination lease kept beside the journal, in its SQL database (table <c>lease</c>:
/// owner, expiry by the database's clock, fencing counter; in the process for the in-memory
/// journal), so that across a partition at most one side holds it: the shards and singletons take
/// one before they start (see <c>use-lease</c> in reference.conf), and the split brain resolver's
/// lease-majority strategy may use it. Configured at <c>akka.coordination.lease.cluster-sql</c>.
/// Every lease an owner holds is renewed by one shared heartbeat (<see cref="LeaseHeartbeats"/>).
/// <code>
///   Free ──Acquire──▶ Held ──heartbeat renews every heartbeat-interval──▶ Held
///                      │  renewal refused (taken over) or not renewed within heartbeat-timeout
///                      ▼
///                     Lost (callback; CheckLease false) ── Release / Acquire again
/// </code>
/// </summary>
public sealed class SqlLease : Lease, IDisposable
{
    private readonly ExtendedActorSystem _system;
    private readonly string _journalPath;
    private readonly Lock _lock = new();
    private (LeaseHold Hold, LeaseHeartbeat Heartbeat)? _held;

    public SqlLease(LeaseSettings settings, ExtendedActorSystem system)
        : base(settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _system = system;
        _journalPath = settings.LeaseConfig.GetString("journal", JournalPluginSettings.JournalPath);
    }

    /// <summary>The fencing counter of the current hold (grows with every change of holder), or null.</summary>
    public long? Fencing
    {
        get
        {
            lock (_lock)
            {
                return _held?.Hold.Fencing;
            }
        }
    }

    public override Task<bool> Acquire() => Acquire(_ => { });

    public override async Task<bool> Acquire(Action<Exception> leaseLostCallback)
    {
        var table = await TableAsync().ConfigureAwait(false);
        var timeouts = Settings.TimeoutSettings;
        using var timeout = new CancellationTokenSource(timeouts.OperationTimeout);
        var started = DateTime.UtcNow;
        long? fencing;
        try
        {
            fencing = await table.TryAcquireAsync(Settings.LeaseName, Settings.OwnerName, timeouts.HeartbeatTimeout, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw new LeaseTimeoutException($"Acquiring lease {Settings.LeaseName} took longer than {timeouts.OperationTimeout}", e);
        }

        if (fencing is not { } value)
        {
            return false;
        }

        // Counted from before the call: the table's expiry is at least this late.
        var hold = new LeaseHold(Settings.LeaseName, value, started + timeouts.HeartbeatTimeout, (lost, reason) =>
        {
            lock (_lock)
            {
                if (_held is not { } current || !ReferenceEquals(current.Hold, lost))
                {
                    return;
                }

                _held = null;
            }

            leaseLostCallback(reason);
        });
        var heartbeat = LeaseHeartbeats.Get(_system).For(table, Settings.OwnerName, timeouts);
        lock (_lock)
        {
            if (_held is { } previous)
            {
                previous.Heartbeat.Remove(previous.Hold);
            }

            _held = (hold, heartbeat);
            heartbeat.Add(hold);
        }

        return true;
    }

    public override async Task<bool> Release()
    {
        (LeaseHold Hold, LeaseHeartbeat Heartbeat)? held;
        lock (_lock)
        {
            held = _held;
            _held = null;
        }

        if (held is not { } released)
        {
            return false;
        }

        // A persistent actor stopped with its shard may have left a write in the journal: the next
        // holder must not recover before it lands, or its own first write would collide with it.
        // Renewed while that drains; a drain that fails or takes too long leaves the lease to run out.
        var timeouts = Settings.TimeoutSettings;
        var drained = await DrainJournalAsync(timeouts.OperationTimeout).ConfigureAwait(false);
        released.Heartbeat.Remove(released.Hold);
        if (!drained)
        {
            return false;
        }

        var table = await TableAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(timeouts.OperationTimeout);
        return await table.ReleaseAsync(Settings.LeaseName, Settings.OwnerName, released.Hold.Fencing, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>True while this owner holds the lease and its last renewal has not run out.</summary>
    public override bool CheckLease()
    {
        lock (_lock)
        {
            return _held is { } held && DateTime.UtcNow < held.Hold.ValidUntil;
        }
    }

    /// <summary>Stops renewing (the lease runs out in the table; a crash, as far as others can tell).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_held is { } held)
            {
                held.Heartbeat.Remove(held.Hold);
            }

            _held = null;
        }
    }

    private async Task<bool> DrainJournalAsync(TimeSpan timeout)
    {
        try
        {
            var journal = Akka.Persistence.Persistence.Instance.Apply(_system).JournalFor(_journalPath);
            await journal.Ask<ClusterJournal.Drained>(ClusterJournal.Drain.Instance, timeout).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private async Task<ILeaseTable> TableAsync()
    {
        var store = JournalStores.Get(_system).For(_journalPath);
        await store.Ready.ConfigureAwait(false);
        return store.Journal switch
        {
            SqlJournal sql => SqlLeaseStore.For(sql.Database),
            _ when store.Settings.Provider == JournalProvider.Memory => MemoryLeaseTable.For(store.Journal),
            _ => throw new LeaseException($"The lease needs the journal at {_journalPath} (provider sqlite, postgres or memory), not {store.Settings.Provider}."),
        };
    }
}

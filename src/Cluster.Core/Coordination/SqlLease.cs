using Akka.Actor;
using Akka.Coordination;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Persistence.Sql;

namespace Cluster.Core.Coordination;

/// <summary>
/// An Akka.Coordination lease kept in the journal's SQL database (table <c>lease</c>: owner,
/// expiry by the database's clock, fencing counter), so that across a partition at most one side
/// holds it: the split brain resolver's lease-majority strategy and the controllers' singletons
/// use it. Configured at <c>akka.coordination.lease.cluster-sql</c>.
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
    private Held? _held;

    public SqlLease(LeaseSettings settings, ExtendedActorSystem system)
        : base(settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _system = system;
        _journalPath = settings.LeaseConfig.GetString("journal", JournalPluginSettings.JournalPath);
    }

    /// <summary>The fencing counter of the current hold (grows with every change of holder), or null.</summary>
    public long? Fencing => Volatile.Read(ref _held)?.Fencing;

    public override Task<bool> Acquire() => Acquire(_ => { });

    public override async Task<bool> Acquire(Action<Exception> leaseLostCallback)
    {
        var store = await StoreAsync().ConfigureAwait(false);
        var timeouts = Settings.TimeoutSettings;
        using var timeout = new CancellationTokenSource(timeouts.OperationTimeout);
        var started = DateTime.UtcNow;
        long? fencing;
        try
        {
            fencing = await store.TryAcquireAsync(Settings.LeaseName, Settings.OwnerName, timeouts.HeartbeatTimeout, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw new LeaseTimeoutException($"Acquiring lease {Settings.LeaseName} took longer than {timeouts.OperationTimeout}", e);
        }

        if (fencing is not { } value)
        {
            return false;
        }

        // Counted from before the call: the database's expiry is at least this late.
        var held = new Held(value, started + timeouts.HeartbeatTimeout, leaseLostCallback);
        lock (_lock)
        {
            _held?.Timer.Dispose();
            _held = held;
            held.Timer = new Timer(_ => _ = HeartbeatAsync(store, held), null, timeouts.HeartbeatInterval, timeouts.HeartbeatInterval);
        }

        return true;
    }

    public override async Task<bool> Release()
    {
        Held? held;
        lock (_lock)
        {
            held = _held;
            _held = null;
        }

        if (held is null)
        {
            return false;
        }

        held.Timer.Dispose();
        var store = await StoreAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Settings.TimeoutSettings.OperationTimeout);
        return await store.ReleaseAsync(Settings.LeaseName, Settings.OwnerName, held.Fencing, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>True while this owner holds the lease and its last renewal has not run out.</summary>
    public override bool CheckLease() => Volatile.Read(ref _held) is { } held && DateTime.UtcNow < held.ValidUntil;

    public void Dispose()
    {
        lock (_lock)
        {
            _held?.Timer.Dispose();
            _held = null;
        }
    }

    private async Task HeartbeatAsync(SqlLeaseStore store, Held held)
    {
        var timeouts = Settings.TimeoutSettings;
        var started = DateTime.UtcNow;
        bool renewed;
        Exception? failure = null;
        try
        {
            using var timeout = new CancellationTokenSource(timeouts.OperationTimeout);
            renewed = await store.RenewAsync(Settings.LeaseName, Settings.OwnerName, held.Fencing, timeouts.HeartbeatTimeout, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The database may be back before the hold runs out: only then is the lease lost.
            renewed = false;
            failure = e;
            if (DateTime.UtcNow < held.ValidUntil)
            {
                return;
            }
        }

        if (renewed)
        {
            held.ValidUntil = started + timeouts.HeartbeatTimeout;
            return;
        }

        lock (_lock)
        {
            if (!ReferenceEquals(_held, held))
            {
                return;
            }

            _held = null;
        }

        held.Timer.Dispose();
        held.OnLost(new LeaseException($"Lease {Settings.LeaseName} of {Settings.OwnerName} was lost" + (failure is null ? ": another owner took it over" : ": it could not be renewed in time: " + failure.Message)));
    }

    private async Task<SqlLeaseStore> StoreAsync()
    {
        var store = JournalStores.Get(_system).For(_journalPath);
        await store.Ready.ConfigureAwait(false);
        return store.Journal is SqlJournal sql
            ? new SqlLeaseStore(sql.Database)
            : throw new LeaseException($"The SQL lease needs a SQL journal at {_journalPath} (provider sqlite or postgres), not {store.Settings.Provider}.");
    }

    private sealed class Held(long fencing, DateTime validUntil, Action<Exception> onLost)
    {
        public long Fencing => fencing;

        public DateTime ValidUntil
        {
            get => new(Interlocked.Read(ref _validUntilTicks), DateTimeKind.Utc);
            set => Interlocked.Exchange(ref _validUntilTicks, value.Ticks);
        }

        private long _validUntilTicks = validUntil.Ticks;

        public Timer Timer { get; set; } = null!;

        public void OnLost(Exception reason) => onLost(reason);
    }
}

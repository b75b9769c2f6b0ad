using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Coordination;

namespace Cluster.Core.Coordination;

/// <summary>
/// The heartbeats of an actor system's <see cref="SqlLease"/>s: one timer and one renewal per lease
/// table, owner and timing renew every lease that owner holds there. A member holding a lease per
/// shard (a hundred or more) renews them in one round trip per interval, not one each.
/// </summary>
internal sealed class LeaseHeartbeats : IExtension
{
    private readonly ConcurrentDictionary<Key, LeaseHeartbeat> _groups = new();

    public static LeaseHeartbeats Get(ActorSystem system) => system.WithExtension<LeaseHeartbeats, LeaseHeartbeatsId>();

    /// <summary>The heartbeat that renews <paramref name="owner"/>'s leases in <paramref name="table"/> with these timings.</summary>
    public LeaseHeartbeat For(ILeaseTable table, string owner, TimeoutSettings timeouts) =>
        _groups.GetOrAdd(new Key(table, owner, timeouts.HeartbeatTimeout, timeouts.HeartbeatInterval, timeouts.OperationTimeout),
            key => new LeaseHeartbeat(key.Table, key.Owner, key.Ttl, key.Interval, key.OperationTimeout));

    internal void StopAll()
    {
        foreach (var group in _groups.Values)
        {
            group.Stop();
        }
    }

    private readonly record struct Key(ILeaseTable Table, string Owner, TimeSpan Ttl, TimeSpan Interval, TimeSpan OperationTimeout);

    private sealed class LeaseHeartbeatsId : ExtensionIdProvider<LeaseHeartbeats>
    {
        public override LeaseHeartbeats CreateExtension(ExtendedActorSystem system)
        {
            var heartbeats = new LeaseHeartbeats();
            system.RegisterOnTermination(heartbeats.StopAll);
            return heartbeats;
        }
    }
}

/// <summary>
/// One owner's held leases in one table, renewed together every interval. A lease not renewed
/// (taken over after it ran out, or the table unreachable until its time ran out) is lost: it
/// leaves the group and its holder is told.
/// </summary>
internal sealed class LeaseHeartbeat(ILeaseTable table, string owner, TimeSpan ttl, TimeSpan interval, TimeSpan operationTimeout)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LeaseHold> _holds = new(StringComparer.Ordinal);
    private Timer? _timer;
    private int _beating;

    /// <summary>Renews <paramref name="hold"/> from the next beat on (replacing an earlier hold of the same name).</summary>
    public void Add(LeaseHold hold)
    {
        lock (_lock)
        {
            _holds[hold.Name] = hold;
            _timer ??= new Timer(_ => _ = BeatAsync(), null, interval, interval);
        }
    }

    /// <summary>Stops renewing <paramref name="hold"/>; the timer stops with the last hold.</summary>
    public void Remove(LeaseHold hold)
    {
        lock (_lock)
        {
            if (_holds.TryGetValue(hold.Name, out var current) && ReferenceEquals(current, hold))
            {
                _holds.Remove(hold.Name);
            }

            if (_holds.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    internal void Stop()
    {
        lock (_lock)
        {
            _holds.Clear();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private async Task BeatAsync()
    {
        // A beat slower than the interval is not overlapped by the next one.
        if (Interlocked.Exchange(ref _beating, 1) == 1)
        {
            return;
        }

        try
        {
            LeaseHold[] holds;
            lock (_lock)
            {
                holds = [.. _holds.Values];
            }

            if (holds.Length == 0)
            {
                return;
            }

            var started = DateTime.UtcNow;
            IReadOnlyDictionary<string, long> renewed;
            Exception? failure = null;
            try
            {
                using var timeout = new CancellationTokenSource(operationTimeout);
                renewed = await table.RenewAsync(owner, holds.Select(h => h.Name).ToArray(), ttl, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                renewed = new Dictionary<string, long>();
                failure = e;
            }

            foreach (var hold in holds)
            {
                if (renewed.TryGetValue(hold.Name, out var fencing) && fencing == hold.Fencing)
                {
                    hold.ValidUntil = started + ttl;
                }
                else if (failure is not null && DateTime.UtcNow < hold.ValidUntil)
                {
                    // The table may be back before the hold runs out: only then is the lease lost.
                }
                else
                {
                    Remove(hold);
                    hold.Lose(new LeaseException($"Lease {hold.Name} of {owner} was lost" + (failure is null
                        ? ": another owner took it over"
                        : ": it could not be renewed in time: " + failure.Message)));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
        }
    }
}

/// <summary>One acquired lease: its fencing counter, how long it is surely still held, and whom to tell when it is lost.</summary>
internal sealed class LeaseHold(string name, long fencing, DateTime validUntil, Action<LeaseHold, Exception> onLost)
{
    private long _validUntilTicks = validUntil.Ticks;

    public string Name => name;

    public long Fencing => fencing;

    public DateTime ValidUntil
    {
        get => new(Interlocked.Read(ref _validUntilTicks), DateTimeKind.Utc);
        set => Interlocked.Exchange(ref _validUntilTicks, value.Ticks);
    }

    public void Lose(Exception reason) => onLost(this, reason);
}

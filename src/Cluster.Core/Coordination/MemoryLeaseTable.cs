using System.Runtime.CompilerServices;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Coordination;

/// <summary>
/// The in-memory journal's leases: that journal lives in one process, so its lease table does too
/// (shared by every actor system of the process that uses the same journal), with the same rules
/// as the SQL table: one holder at a time, taken over only after it ran out, fencing per holder.
/// </summary>
internal sealed class MemoryLeaseTable(TimeProvider clock) : ILeaseTable
{
    private static readonly ConditionalWeakTable<IJournal, MemoryLeaseTable> Tables = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);

    /// <summary>The lease table that goes with <paramref name="journal"/>.</summary>
    public static MemoryLeaseTable For(IJournal journal) => Tables.GetValue(journal, _ => new MemoryLeaseTable(TimeProvider.System));

    public Task<long?> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_rows.TryGetValue(name, out var row))
            {
                _rows[name] = new Row(owner, now + ttl, 1);
                return Task.FromResult<long?>(1);
            }

            var mine = row.Owner == owner;
            if (!mine && row.Expires >= now)
            {
                return Task.FromResult<long?>(null);
            }

            var fencing = mine && row.Expires >= now ? row.Fencing : row.Fencing + 1;
            _rows[name] = new Row(owner, now + ttl, fencing);
            return Task.FromResult<long?>(fencing);
        }
    }

    public Task<IReadOnlyDictionary<string, long>> RenewAsync(string owner, IReadOnlyCollection<string> names, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var expires = clock.GetUtcNow() + ttl;
        var renewed = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var name in names)
            {
                if (_rows.TryGetValue(name, out var row) && row.Owner == owner && row.Expires != DateTimeOffset.MinValue)
                {
                    _rows[name] = row with { Expires = expires };
                    renewed[name] = row.Fencing;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, long>>(renewed);
    }

    public Task<bool> ReleaseAsync(string name, string owner, long fencing, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(name, out var row) && row.Owner == owner && row.Fencing == fencing)
            {
                _rows[name] = row with { Expires = DateTimeOffset.MinValue };
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    private sealed record Row(string Owner, DateTimeOffset Expires, long Fencing);
}

using Cluster.Api.Metrics;

namespace Cluster.Node.Metrics;

/// <summary>
/// The resource metrics of the whole cluster (what metrics.k8s.io serves and the autoscaler reads, as metrics-server
/// scrapes every kubelet): each member's agents' latest measurement, as <see cref="MetricsGossipActor"/> hears of it,
/// merged. A member that left, or that has not measured for <paramref name="staleAfter"/>, no longer counts, as
/// metrics-server drops nodes it could not scrape.
/// </summary>
/// <param name="staleAfter">How old a member's measurement may be and still be served (a few of the agents' sampling periods).</param>
public sealed class ClusterResourceMetrics(TimeProvider clock, TimeSpan staleAfter) : IResourceMetrics
{
    /// <summary>The staleness limit for agents that measure every <paramref name="interval"/>: four periods, at least two minutes.</summary>
    public static TimeSpan StaleAfterFor(TimeSpan interval) => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(2).Ticks, 4 * interval.Ticks));

    private readonly Lock _lock = new();
    private readonly Dictionary<string, MetricsSnapshot> _byMember = new(StringComparer.Ordinal);
    private MetricsSnapshot? _merged;
    private DateTimeOffset _mergedUntil;

    /// <summary>The merged measurement; the same object until a member's changes or one goes stale, so readers may cache by it.</summary>
    public MetricsSnapshot? Latest
    {
        get
        {
            var now = clock.GetUtcNow();
            lock (_lock)
            {
                if (_merged is null || now >= _mergedUntil)
                {
                    Merge(now);
                }

                return _merged;
            }
        }
    }

    /// <summary>A member's measurement; an older one than what is known is ignored (pub/sub may reorder).</summary>
    public void Record(string member, MetricsSnapshot snapshot)
    {
        lock (_lock)
        {
            if (_byMember.TryGetValue(member, out var known) && known.Timestamp >= snapshot.Timestamp)
            {
                return;
            }

            _byMember[member] = snapshot;
            _merged = null;
        }
    }

    /// <summary>The member left the cluster: its pods and nodes are no longer measured.</summary>
    public void Forget(string member)
    {
        lock (_lock)
        {
            if (_byMember.Remove(member))
            {
                _merged = null;
            }
        }
    }

    private void Merge(DateTimeOffset now)
    {
        var fresh = _byMember.Values.Where(s => now - s.Timestamp < staleAfter).ToList();
        _mergedUntil = fresh.Count == 0 ? DateTimeOffset.MaxValue : fresh.Min(s => s.Timestamp) + staleAfter;
        _merged = fresh.Count switch
        {
            0 => null,
            1 => fresh[0],

            // One timestamp for all: the oldest measurement's, with the longest window, so no usage reads as newer than it is.
            _ => new MetricsSnapshot(fresh.Min(s => s.Timestamp), fresh.Max(s => s.Window), [.. fresh.SelectMany(s => s.Nodes)], [.. fresh.SelectMany(s => s.Pods)]),
        };
    }
}

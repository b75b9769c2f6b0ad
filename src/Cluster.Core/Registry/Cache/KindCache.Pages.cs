namespace Cluster.Core.Registry.Cache;

/// <summary>
/// Later pages of a paged list, as of the first page's version (Kubernetes serves every page of one list from one etcd
/// revision): the current objects with the changes made since that version undone, from the window of recent events.
/// </summary>
public sealed partial class KindCache
{
    private static readonly SortedSet<CachedObject> NoObjects = new(ByKey);

    /// <summary>The message upstream gives when a continue token's version has left the window (410 Expired).</summary>
    public const string ContinueTooOld =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, " +
        "or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an " +
        "inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    /// <summary>
    /// The objects after <paramref name="afterKey"/> as they were at <paramref name="version"/> (long.MaxValue: now; the
    /// version served is returned) (at most <paramref name="limit"/>,
    /// 0: all, passing <paramref name="filter"/>), and how many objects of the scope follow the last one returned when
    /// <paramref name="countRemaining"/> (upstream's remainingItemCount, only for lists without selectors). 410 Expired
    /// when the window of recent events no longer reaches back to <paramref name="version"/>. A page starts where the
    /// previous one ended (a range lookup), so paging through a large kind costs O(n) in total.
    /// </summary>
    public (IReadOnlyList<CachedObject> Items, long ResourceVersion, long? Remaining) ListAt(string? ns, string? afterKey, long version, Func<CachedObject, bool>? filter, int limit, bool countRemaining)
    {
        lock (_lock)
        {
            var at = Math.Min(version, _resourceVersion);
            if (at < _historyStart)
            {
                throw ApiException.Expired(ContinueTooOld);
            }

            var undone = StateAt(at);

            // Keys are "namespace/name": one namespace is one contiguous range ('0' follows '/').
            var (lower, upper) = ns is null ? ("", "\uffff") : (ns + "/", ns + "0");
            if (afterKey is not null && string.CompareOrdinal(afterKey, lower) > 0)
            {
                lower = afterKey;
            }

            var items = new List<CachedObject>();
            long remaining = 0;
            foreach (var item in Merge(CurrentBetween(lower, upper), undone, lower, upper))
            {
                if (string.CompareOrdinal(item.Key, lower) <= 0 && afterKey is not null)
                {
                    continue;
                }

                if (filter is not null && !filter(item))
                {
                    continue;
                }

                if (limit == 0 || items.Count < limit)
                {
                    items.Add(item);
                }
                else if (countRemaining)
                {
                    remaining++;
                }
                else
                {
                    // One more than the page: enough to tell that another page follows.
                    items.Add(item);
                    break;
                }
            }

            return (items, at, countRemaining ? remaining : null);
        }
    }

    /// <summary>
    /// For every key changed after <paramref name="version"/>: its state at that version (null: it did not exist), which is
    /// the state before the first retained event after it. Walks back from the newest event, so a page at the current
    /// version costs nothing.
    /// </summary>
    private SortedDictionary<string, CachedObject?> StateAt(long version)
    {
        var undone = new SortedDictionary<string, CachedObject?>(StringComparer.Ordinal);
        for (var i = _historyCount - 1; i >= 0; i--)
        {
            var e = _history[(_historyHead + i) % _history.Length];
            if (e.ResourceVersion <= version)
            {
                break;
            }

            undone[e.Object.Key] = e.Type == WatchEventType.Added ? null : e.Previous;
        }

        return undone;
    }

    private SortedSet<CachedObject> CurrentBetween(string lower, string upper)
    {
        if (_sorted.Count == 0 || string.CompareOrdinal(lower, _sorted.Max!.Key) > 0 || string.CompareOrdinal(upper, _sorted.Min!.Key) < 0)
        {
            return NoObjects;
        }

        var from = string.CompareOrdinal(lower, _sorted.Min.Key) < 0 ? _sorted.Min.Key : lower;
        var to = string.CompareOrdinal(upper, _sorted.Max.Key) > 0 ? _sorted.Max.Key : upper;
        return string.CompareOrdinal(from, to) > 0 ? NoObjects : _sorted.GetViewBetween(Probe(from), Probe(to));
    }

    /// <summary>The current objects in key order with the undone keys replaced by their earlier state (or left out).</summary>
    private static IEnumerable<CachedObject> Merge(IEnumerable<CachedObject> current, SortedDictionary<string, CachedObject?> undone, string lower, string upper)
    {
        using var earlier = undone.Where(u => string.CompareOrdinal(u.Key, lower) >= 0 && string.CompareOrdinal(u.Key, upper) <= 0).GetEnumerator();
        var hasEarlier = earlier.MoveNext();
        foreach (var item in current)
        {
            while (hasEarlier && string.CompareOrdinal(earlier.Current.Key, item.Key) < 0)
            {
                if (earlier.Current.Value is { } was)
                {
                    yield return was;
                }

                hasEarlier = earlier.MoveNext();
            }

            if (hasEarlier && earlier.Current.Key == item.Key)
            {
                if (earlier.Current.Value is { } was)
                {
                    yield return was;
                }

                hasEarlier = earlier.MoveNext();
                continue;
            }

            yield return item;
        }

        while (hasEarlier)
        {
            if (earlier.Current.Value is { } was)
            {
                yield return was;
            }

            hasEarlier = earlier.MoveNext();
        }
    }
}

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// The watch cache of one kind (Kubernetes' cacher): every current object, sorted by namespace and
/// name, plus a window of recent events, fed in journal order by <see cref="RegistryFeed"/>.
/// Lists and watches are served from here; a watch may start at any resourceVersion the window
/// still covers, older ones get 410 Expired.
/// </summary>
public sealed partial class KindCache
{
    private static readonly Comparer<CachedObject> ByKey = Comparer<CachedObject>.Create((a, b) => string.CompareOrdinal(a.Key, b.Key));

    private readonly object _lock = new();
    private readonly Dictionary<string, CachedObject> _byKey = new(StringComparer.Ordinal);
    private readonly SortedSet<CachedObject> _sorted = new(ByKey);
    private readonly WatchEvent[] _history;
    private int _historyHead;
    private int _historyCount;
    private long _historyStart;
    private long _resourceVersion;
    private Watcher[] _watchers = [];

    public KindCache(ResourceKind kind, int historyCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        Kind = kind;
        _history = new WatchEvent[historyCapacity];
    }

    public ResourceKind Kind { get; }

    /// <summary>Everything up to this journal ordering is reflected here.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }

    public int WatcherCount => Volatile.Read(ref _watchers).Length;

    public CachedObject? Get(string ns, string name)
    {
        lock (_lock)
        {
            return _byKey.GetValueOrDefault(CachedObject.KeyOf(ns, name));
        }
    }

    /// <summary>The objects (of <paramref name="ns"/>, or all) after <paramref name="afterKey"/> in key order, and the version they are at.</summary>
    public (IReadOnlyList<CachedObject> Items, long ResourceVersion) List(string? ns, string? afterKey = null)
    {
        var (items, version, _) = ListAt(ns, afterKey, long.MaxValue, filter: null, limit: 0, countRemaining: false);
        return (items, version);
    }

    /// <summary>
    /// Starts a watch. <paramref name="fromResourceVersion"/> null: synthetic ADDED events for the
    /// current objects first; otherwise every retained event after that version (410 when the
    /// window no longer reaches back that far).
    /// </summary>
    public Watcher Watch(string? ns, string? name, long? fromResourceVersion, int capacity)
    {
        lock (_lock)
        {
            List<WatchEvent> initial = [];
            var probe = new Watcher(this, ns, name, capacity, initial, _resourceVersion);
            if (fromResourceVersion is not { } from)
            {
                foreach (var obj in name is not null && ns is not null ? Single(ns, name) : _sorted)
                {
                    if (probe.Wants(obj))
                    {
                        initial.Add(new WatchEvent(WatchEventType.Added, obj, null, obj.ResourceVersion));
                    }
                }
            }
            else
            {
                if (from < _historyStart)
                {
                    throw ApiException.Expired($"too old resource version: {from} ({_historyStart})");
                }

                for (var i = 0; i < _historyCount; i++)
                {
                    var e = _history[(_historyHead + i) % _history.Length];
                    if (e.ResourceVersion > from && probe.Wants(e.Object))
                    {
                        initial.Add(e);
                    }
                }
            }

            _watchers = [.. _watchers, probe];
            return probe;
        }
    }

    /// <summary>Applies one change from the feed; <paramref name="removed"/>: the object was deleted and <paramref name="changed"/> is its last state. Not <paramref name="live"/>: the initial load, which keeps no history.</summary>
    internal void Apply(CachedObject changed, bool removed, bool live)
    {
        lock (_lock)
        {
            var key = changed.Key;
            _byKey.TryGetValue(key, out var previous);
            WatchEventType type;
            if (removed)
            {
                if (previous is null)
                {
                    _resourceVersion = changed.ResourceVersion;
                    return;
                }

                _byKey.Remove(key);
                _sorted.Remove(previous);
                type = WatchEventType.Deleted;
            }
            else
            {
                if (previous is not null)
                {
                    _sorted.Remove(previous);
                }

                _byKey[key] = changed;
                _sorted.Add(changed);
                type = previous is null ? WatchEventType.Added : WatchEventType.Modified;
            }

            _resourceVersion = changed.ResourceVersion;
            if (!live)
            {
                _historyStart = changed.ResourceVersion;
                return;
            }

            var @event = new WatchEvent(type, changed, previous, changed.ResourceVersion);
            Remember(@event);
            foreach (var watcher in _watchers)
            {
                if (watcher.Wants(changed))
                {
                    watcher.Offer(@event);
                }
            }
        }
    }

    /// <summary>The feed has processed the journal through <paramref name="ordering"/> (events of other kinds included).</summary>
    internal void AdvanceTo(long ordering, bool live)
    {
        lock (_lock)
        {
            if (ordering > _resourceVersion)
            {
                _resourceVersion = ordering;
                if (!live)
                {
                    _historyStart = ordering;
                }
            }
        }
    }

    internal long? BookmarkVersion(Watcher watcher)
    {
        lock (_lock)
        {
            return watcher.Live.Count == 0 ? _resourceVersion : null;
        }
    }

    internal void Remove(Watcher watcher)
    {
        lock (_lock)
        {
            _watchers = Array.FindAll(_watchers, w => !ReferenceEquals(w, watcher));
        }

        watcher.Close();
    }

    /// <summary>Closes every watch (shutdown).</summary>
    internal void CloseAll()
    {
        Watcher[] watchers;
        lock (_lock)
        {
            watchers = _watchers;
            _watchers = [];
        }

        foreach (var watcher in watchers)
        {
            watcher.Close();
        }
    }

    private IEnumerable<CachedObject> Single(string ns, string name) =>
        _byKey.TryGetValue(CachedObject.KeyOf(ns, name), out var obj) ? [obj] : [];

    private void Remember(WatchEvent @event)
    {
        if (_historyCount == _history.Length)
        {
            // The oldest event leaves the window: watches from before it can no longer be served.
            _historyStart = _history[_historyHead].ResourceVersion;
            _historyHead = (_historyHead + 1) % _history.Length;
            _historyCount--;
        }

        _history[(_historyHead + _historyCount) % _history.Length] = @event;
        _historyCount++;
    }

    private static CachedObject Probe(string key) => CachedObject.Probe(key);
}

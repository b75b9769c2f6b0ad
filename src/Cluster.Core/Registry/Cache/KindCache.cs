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
    /// <summary>The fewest events the history shrinks to (upstream's lower bound).</summary>
    private const int MinimumHistory = 100;

    private readonly int _maximumHistory;
    private readonly long _freshTicks;
    private readonly TimeProvider _clock;
    private WatchEvent[] _history;

    /// <summary>When each history slot's event was recorded (UTC ticks).</summary>
    private long[] _recorded;
    private int _historyHead;
    private int _historyCount;
    private long _historyStart;
    private long _resourceVersion;
    private long _lastChange;
    private Watcher[] _watchers = [];

    /// <summary>The watchers without a trigger, which see every event of their scope.</summary>
    private Watcher[] _untriggered = [];

    /// <summary>The watchers with a trigger, by field and value; and the fields in use.</summary>
    private readonly Dictionary<(string Field, string Value), Watcher[]> _triggered = [];
    private readonly Dictionary<string, int> _triggerFields = new(StringComparer.Ordinal);

    /// <summary>
    /// A kind's cache whose event history holds at most <paramref name="historyCapacity"/> events. As upstream's watch
    /// cache sizes itself, the history starts small, doubles while even its oldest event is younger than
    /// <paramref name="freshFor"/> (watches must be able to resume that far back), and halves when three quarters of it
    /// are older: a kind written often keeps its recent events, and a kind that was written in a burst long ago does
    /// not keep old versions of its objects alive.
    /// </summary>
    public KindCache(ResourceKind kind, int historyCapacity, TimeProvider? clock = null, TimeSpan? freshFor = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        Kind = kind;
        _maximumHistory = historyCapacity;
        _clock = clock ?? TimeProvider.System;
        _freshTicks = (freshFor ?? TimeSpan.FromSeconds(75)).Ticks;
        var initial = Math.Min(MinimumHistory, historyCapacity);
        _history = new WatchEvent[initial];
        _recorded = new long[initial];
    }

    /// <summary>How many events the history can hold now.</summary>
    public int HistoryCapacity
    {
        get
        {
            lock (_lock)
            {
                return _history.Length;
            }
        }
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

    /// <summary>
    /// The journal ordering of this kind's latest object change. <see cref="ResourceVersion"/> moves with every kind's
    /// events; this moves only when an object of this kind changes, so state derived from a whole kind (the RBAC
    /// authorizer's index) is rebuilt only then. Read without the lock: a check on every request.
    /// </summary>
    public long LastChangeVersion => Volatile.Read(ref _lastChange);

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
    public Watcher Watch(string? ns, string? name, long? fromResourceVersion, int capacity, WatchTrigger? trigger = null)
    {
        lock (_lock)
        {
            List<WatchEvent> initial = [];
            var probe = new Watcher(this, ns, name, capacity, initial, _resourceVersion, trigger);
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
                    if (e.ResourceVersion > from && probe.Wants(e))
                    {
                        initial.Add(e);
                    }
                }
            }

            _watchers = [.. _watchers, probe];
            if (trigger is null)
            {
                _untriggered = [.. _untriggered, probe];
            }
            else
            {
                _triggered[(trigger.Field, trigger.Value)] = [.. _triggered.GetValueOrDefault((trigger.Field, trigger.Value)) ?? [], probe];
                _triggerFields[trigger.Field] = _triggerFields.GetValueOrDefault(trigger.Field) + 1;
            }

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
            Volatile.Write(ref _lastChange, changed.ResourceVersion);
            if (!live)
            {
                _historyStart = changed.ResourceVersion;
                return;
            }

            var @event = new WatchEvent(type, changed, previous, changed.ResourceVersion);
            Remember(@event);
            foreach (var watcher in _untriggered)
            {
                if (watcher.Wants(changed))
                {
                    watcher.Offer(@event);
                }
            }

            foreach (var field in _triggerFields.Keys)
            {
                var now = WatchTrigger.ValueOf(changed, field);
                OfferTriggered(field, now, @event);
                if (previous is not null && WatchTrigger.ValueOf(previous, field) is var before && before != now)
                {
                    OfferTriggered(field, before, @event);
                }
            }
        }
    }

    private void OfferTriggered(string field, string value, WatchEvent @event)
    {
        if (_triggered.TryGetValue((field, value), out var watchers))
        {
            foreach (var watcher in watchers)
            {
                if (watcher.InScope(@event.Object))
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
            if (watcher.Trigger is not { } trigger)
            {
                _untriggered = Array.FindAll(_untriggered, w => !ReferenceEquals(w, watcher));
            }
            else if (_triggered.TryGetValue((trigger.Field, trigger.Value), out var same) && Array.IndexOf(same, watcher) >= 0)
            {
                var left = Array.FindAll(same, w => !ReferenceEquals(w, watcher));
                if (left.Length == 0)
                {
                    _triggered.Remove((trigger.Field, trigger.Value));
                }
                else
                {
                    _triggered[(trigger.Field, trigger.Value)] = left;
                }

                if ((_triggerFields[trigger.Field] -= 1) == 0)
                {
                    _triggerFields.Remove(trigger.Field);
                }
            }
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
            _untriggered = [];
            _triggered.Clear();
            _triggerFields.Clear();
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
        var now = _clock.GetUtcNow().UtcTicks;
        if (_historyCount == _history.Length)
        {
            Resize(now);
        }

        if (_historyCount == _history.Length)
        {
            // The oldest event leaves the window: watches from before it can no longer be served.
            _historyStart = _history[_historyHead].ResourceVersion;
            _historyHead = (_historyHead + 1) % _history.Length;
            _historyCount--;
        }

        var slot = (_historyHead + _historyCount) % _history.Length;
        _history[slot] = @event;
        _recorded[slot] = now;
        _historyCount++;
    }

    /// <summary>Upstream's resizeCacheLocked, on a full history: grow while all of it is fresh, shrink when its newest quarter is not.</summary>
    private void Resize(long now)
    {
        var length = _history.Length;
        if (now - _recorded[_historyHead] < _freshTicks)
        {
            if (length < _maximumHistory)
            {
                Reallocate(Math.Min(length * 2, _maximumHistory));
            }
        }
        else if (length > MinimumHistory && now - _recorded[(_historyHead + length - (length / 4)) % length] > _freshTicks)
        {
            Reallocate(Math.Max(length / 2, MinimumHistory));
        }
    }

    /// <summary>Moves the newest events into arrays of <paramref name="capacity"/>; the older ones leave the window.</summary>
    private void Reallocate(int capacity)
    {
        var keep = Math.Min(_historyCount, capacity);
        var dropped = _historyCount - keep;
        if (dropped > 0)
        {
            _historyStart = _history[(_historyHead + dropped - 1) % _history.Length].ResourceVersion;
        }

        var history = new WatchEvent[capacity];
        var recorded = new long[capacity];
        for (var i = 0; i < keep; i++)
        {
            var from = (_historyHead + dropped + i) % _history.Length;
            history[i] = _history[from];
            recorded[i] = _recorded[from];
        }

        (_history, _recorded, _historyHead, _historyCount) = (history, recorded, 0, keep);
    }

    private static CachedObject Probe(string key) => CachedObject.Probe(key);
}

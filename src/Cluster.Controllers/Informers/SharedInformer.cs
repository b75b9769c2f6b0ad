using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Informers;

/// <summary>What an informer tells its handlers; called one at a time, after the informer's store has the change. Handlers only enqueue keys.</summary>
public interface IInformerHandler
{
    void OnAdd(CachedObject obj);

    /// <summary>A change, or a periodic resync (then <paramref name="old"/> and <paramref name="now"/> are the same version).</summary>
    void OnUpdate(CachedObject old, CachedObject now);

    /// <summary>The object is gone; <paramref name="last"/> is the last version the informer had.</summary>
    void OnDelete(CachedObject last);
}

public static class InformerHandlerExtensions
{
    /// <summary>Tells the handler of one change: an add (no <paramref name="old"/>), an update, or a delete (no <paramref name="now"/>).</summary>
    public static void Tell(this IInformerHandler handler, CachedObject? old, CachedObject? now)
    {
        switch ((old, now))
        {
            case (null, { } added):
                handler.OnAdd(added);
                break;
            case ({ } before, { } after):
                handler.OnUpdate(before, after);
                break;
            case ({ } last, null):
                handler.OnDelete(last);
                break;
        }
    }
}

/// <summary>
/// One kind's objects for every controller of the member (client-go's shared informer): a list, then every change,
/// resumed from the last version after a break and re-listed after a 410 (what vanished meanwhile is delivered as a
/// delete); a store with indexes (by namespace, owner uid, node name, ...) kept in step before handlers are called;
/// and a periodic resync that hands every object to the handlers again. The store holds the watch cache's own
/// immutable versions, not copies. Handlers are called one at a time but outside the store's lock (as client-go's
/// listeners run apart from its indexer), so a slow handler never holds up the reads of every reconcile.
/// </summary>
public sealed partial class SharedInformer : IAsyncDisposable
{
    private readonly IObjectSource _source;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TimeSpan? _resync;
    private readonly Lock _lock = new();

    // Taken before _lock, never inside it: it keeps the handlers' calls one at a time and in the store's order.
    private readonly Lock _dispatch = new();
    private readonly Dictionary<string, CachedObject> _store = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<CachedObject, IEnumerable<string>>> _indexers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Index, string Value), HashSet<string>> _indexed = [];

    // Each stored object's index entries, so replacing a version does not compute the old one's again.
    private readonly Dictionary<string, List<(string Index, string Value)>> _entries = new(StringComparer.Ordinal);
    private readonly List<IInformerHandler> _handlers = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;
    private ITimer? _resyncTimer;
    private long _version;

    public SharedInformer(IObjectSource source, ResourceKind kind, TimeProvider clock, ILogger logger, TimeSpan? resync = null)
    {
        _source = source;
        Kind = kind;
        _clock = clock;
        _logger = logger;
        _resync = resync;
        AddIndexer(Indexers.Namespace, Indexers.ByNamespace);
    }

    public ResourceKind Kind { get; }

    /// <summary>The first list has been delivered to the handlers.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The version of the last change the store has.</summary>
    public long ResourceVersion => Interlocked.Read(ref _version);

    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    /// <summary>Adds a handler; one added after the first list gets an add for each object the store has.</summary>
    public void AddHandler(IInformerHandler handler)
    {
        lock (_dispatch)
        {
            CachedObject[] stored;
            lock (_lock)
            {
                _handlers.Add(handler);
                stored = [.. _store.Values];
            }

            foreach (var obj in stored)
            {
                handler.OnAdd(obj);
            }
        }
    }

    /// <summary>Adds an index (objects already stored are indexed at once).</summary>
    public void AddIndexer(string name, Func<CachedObject, IEnumerable<string>> index)
    {
        lock (_lock)
        {
            _indexers[name] = index;
            foreach (var obj in _store.Values)
            {
                Index(name, index, obj);
            }
        }
    }

    public CachedObject? Get(string ns, string name)
    {
        lock (_lock)
        {
            return _store.GetValueOrDefault(CachedObject.KeyOf(ns, name));
        }
    }

    public IReadOnlyList<CachedObject> List()
    {
        lock (_lock)
        {
            return [.. _store.Values];
        }
    }

    /// <summary>The stored objects whose index <paramref name="index"/> has <paramref name="value"/>.</summary>
    public IReadOnlyList<CachedObject> ByIndex(string index, string value)
    {
        lock (_lock)
        {
            if (!_indexers.ContainsKey(index))
            {
                throw new ArgumentException($"no index named {index}", nameof(index));
            }

            return _indexed.TryGetValue((index, value), out var keys) ? [.. keys.Select(k => _store[k])] : [];
        }
    }

    /// <summary>Starts listing and watching (once).</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (!_running.IsCompleted || _stopping.IsCancellationRequested)
            {
                return;
            }

            _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
            if (_resync is { } period && period > TimeSpan.Zero)
            {
                _resyncTimer = _clock.CreateTimer(_ => Resync(), null, period, period);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _resyncTimer?.Dispose();
        await _running.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        long? from = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var watcher = await _source.WatchAsync(Kind, from, ct).ConfigureAwait(false);
                if (from is null)
                {
                    Replace(watcher.Initial, watcher.StartVersion);
                }
                else
                {
                    foreach (var e in watcher.Initial)
                    {
                        Apply(e);
                    }
                }

                // Version 0 is "any version" to the API, not "after 0": before the first change a break lists again.
                from = ResourceVersion > 0 ? ResourceVersion : null;
                await foreach (var e in watcher.Live.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    Apply(e);
                    from = e.ResourceVersion;
                }

                // The channel closed: this informer fell behind and was dropped; the history has what followed.
            }
            catch (ApiException e) when (e.Code == 410)
            {
                LogRelist(_logger, Kind.Plural, e.Message);
                from = null;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(_logger, e, Kind.Plural);
                await Task.Delay(TimeSpan.FromSeconds(1), _clock, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A full list: the store becomes it; what vanished is deleted, what changed is updated, what is new added.</summary>
    private void Replace(IReadOnlyList<WatchEvent> listed, long version)
    {
        lock (_dispatch)
        {
            var changes = new List<Change>();
            lock (_lock)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var e in listed)
                {
                    seen.Add(e.Object.Key);
                    if (Store(e.Object) is { } change)
                    {
                        changes.Add(change);
                    }
                }

                foreach (var gone in _store.Values.Where(o => !seen.Contains(o.Key)).ToList())
                {
                    changes.Add(Remove(gone));
                }

                Interlocked.Exchange(ref _version, Math.Max(version, _version));
            }

            foreach (var change in changes)
            {
                Tell(change);
            }
        }

        _synced.TrySetResult();
    }

    private void Apply(WatchEvent e)
    {
        lock (_dispatch)
        {
            Change? change = null;
            lock (_lock)
            {
                if (e.Type == WatchEventType.Deleted)
                {
                    if (_store.TryGetValue(e.Object.Key, out var last))
                    {
                        change = Remove(last);
                    }
                }
                else
                {
                    change = Store(e.Object);
                }

                Interlocked.Exchange(ref _version, e.ResourceVersion);
            }

            if (change is { } told)
            {
                Tell(told);
            }
        }
    }

    /// <summary>A change for the handlers: an add (no old), an update, or a delete (no now).</summary>
    private readonly record struct Change(CachedObject? Old, CachedObject? Now);

    /// <summary>Under the dispatch lock, outside the store's: tells every handler of one change.</summary>
    private void Tell(Change change)
    {
        foreach (var handler in _handlers)
        {
            handler.Tell(change.Old, change.Now);
        }
    }

    /// <summary>Under the lock: stores a version; the change for the handlers (none when the store already has it).</summary>
    private Change? Store(CachedObject obj)
    {
        if (_store.TryGetValue(obj.Key, out var old))
        {
            if (old.ResourceVersion == obj.ResourceVersion)
            {
                return null;
            }

            Unindex(old);
        }

        _store[obj.Key] = obj;
        foreach (var (name, index) in _indexers)
        {
            Index(name, index, obj);
        }

        return new Change(old, obj);
    }

    private Change Remove(CachedObject last)
    {
        _store.Remove(last.Key);
        Unindex(last);
        return new Change(last, null);
    }

    private void Unindex(CachedObject obj)
    {
        if (!_entries.Remove(obj.Key, out var entries))
        {
            return;
        }

        foreach (var entry in entries)
        {
            if (_indexed.TryGetValue(entry, out var keys) && keys.Remove(obj.Key) && keys.Count == 0)
            {
                _indexed.Remove(entry);
            }
        }
    }

    private void Index(string name, Func<CachedObject, IEnumerable<string>> index, CachedObject obj)
    {
        if (!_entries.TryGetValue(obj.Key, out var entries))
        {
            _entries[obj.Key] = entries = [];
        }

        foreach (var value in index(obj))
        {
            if (!_indexed.TryGetValue((name, value), out var keys))
            {
                _indexed[(name, value)] = keys = new HashSet<string>(StringComparer.Ordinal);
            }

            keys.Add(obj.Key);
            entries.Add((name, value));
        }
    }

    private void Resync()
    {
        lock (_dispatch)
        {
            CachedObject[] stored;
            lock (_lock)
            {
                stored = [.. _store.Values];
            }

            foreach (var obj in stored)
            {
                Tell(new Change(obj, obj));
            }
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Informer for {Kind}: the watch resumed too late ({Reason}); listing again")]
    private static partial void LogRelist(ILogger logger, string kind, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Informer for {Kind}: the watch failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind);
}

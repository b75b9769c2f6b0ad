using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Registry.Objects;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// Feeds every kind's watch cache from the journal's ordered event feed (this replaces etcd's
/// watch): first the whole journal (the latest event of each object is its state), then each
/// commit as it happens. It also answers "has the cache seen everything committed up to N?",
/// which makes reads after a write consistent.
/// </summary>
public sealed partial class RegistryFeed : IAsyncDisposable
{
    private readonly IJournal _journal;
    private readonly PayloadSerializer _serialization;
    private readonly RegistrySettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, KindCache> _byStorageKey;
    private readonly Dictionary<string, (IResourceStrategy Strategy, IReadOnlyList<string> Fields)> _selectable;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, string> _interned = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _processed;
    private int _disposed;
    private Task? _loop;

    public RegistryFeed(IJournal journal, PayloadSerializer serialization, KindCatalog kinds, Strategies.StrategyCatalog strategies, RegistrySettings settings, ILogger logger, TimeProvider clock)
    {
        var probe = new System.Text.Json.Nodes.JsonObject();
        _selectable = kinds.Kinds
            .Where(k => strategies.Find(k) is not null)
            .ToDictionary(
                k => k.StorageKey,
                k =>
                {
                    var strategy = strategies.Find(k)!;
                    return (strategy, (IReadOnlyList<string>)CachedObject.CandidateFields.Where(f => strategy.SelectableField(probe, f) is not null).ToArray());
                },
                StringComparer.Ordinal);
        _journal = journal;
        _serialization = serialization;
        _settings = settings;
        _logger = logger;
        _clock = clock;
        _byStorageKey = kinds.Kinds.ToDictionary(k => k.StorageKey, k => new KindCache(k, settings.WatchCacheHistory, clock, settings.WatchCacheHistoryFreshFor), StringComparer.Ordinal);
    }

    /// <summary>Completes when the initial load is done.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Every journal event up to this ordering is in the caches.</summary>
    public long ProcessedOrdering => Volatile.Read(ref _processed);

    public KindCache Cache(ResourceKind kind) => _byStorageKey[kind.StorageKey];

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Waits until the caches reflect every event committed up to <paramref name="ordering"/>.</summary>
    public async Task WaitForAsync(long ordering, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal is read before the check: an advance in between completes this very signal.
            var signal = Volatile.Read(ref _advanced);
            if (Volatile.Read(ref _processed) >= ordering)
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the caches reflect everything committed before this call (read-your-writes).</summary>
    public Task WaitForCommittedAsync(CancellationToken cancellationToken) =>
        WaitForAsync(_journal.Notifier.HighestOrdering, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        foreach (var cache in _byStorageKey.Values)
        {
            cache.CloseAll();
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        long after = 0;
        var live = false;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var observed = _journal.Notifier.HighestOrdering;
                var count = 0;
                await foreach (var entry in _journal.CurrentStoredEventsAsync(after, _settings.FeedBatchSize, ct).ConfigureAwait(false))
                {
                    count++;
                    Route(entry, live);
                    after = entry.Ordering;
                }

                failures = 0;
                if (count == _settings.FeedBatchSize)
                {
                    Advance(after, live);
                    continue;
                }

                // Caught up with what was committed when this page was read (deleted or compacted
                // rows leave gaps in the orderings, so the page alone does not prove it).
                after = Math.Max(after, observed);
                Advance(after, live);
                if (!live)
                {
                    live = true;
                    LogLoaded(_logger, after, _byStorageKey.Values.Sum(c => c.Count));
                    _ready.TrySetResult();
                }

                await _journal.Notifier.WaitAsync(after, TimeSpan.FromSeconds(1), _clock, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                LogFeedFailed(_logger, e, after, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(failures, 6)))), _clock, ct).ConfigureAwait(false);
            }
        }
    }

    private void Route(JournalEntry entry, bool live)
    {
        if (!entry.Manifest.StartsWith("registry.object-", StringComparison.Ordinal) || !TryCacheFor(entry.PersistenceId, out var cache))
        {
            return;
        }

        object @event;
        try
        {
            @event = _serialization.FromEntry(entry);
        }
        catch (PersistenceSerializationException e)
        {
            // One unreadable event must not stop the cache for everyone: it is logged and skipped.
            LogUnreadable(_logger, e, entry.PersistenceId, entry.SequenceNr, entry.Ordering);
            return;
        }

        var (strategy, fields) = _selectable.TryGetValue(cache.Kind.StorageKey, out var selectable) ? selectable : (null, null);
        switch (@event)
        {
            case ObjectEvents.Stored stored:
                cache.Apply(CachedObject.From(ObjectState.Stamp(stored.Object, entry.Ordering), entry.Ordering, strategy, fields, Intern, Previous(cache, stored.Object)), removed: false, live);
                break;
            case ObjectEvents.Deleted deleted:
                cache.Apply(CachedObject.From(ObjectState.Stamp(deleted.Object, entry.Ordering), entry.Ordering, strategy, fields, Intern, Previous(cache, deleted.Object)), removed: true, live);
                break;
        }
    }

    /// <summary>The version this change follows (only the feed applies changes, so it is still current when the change is applied).</summary>
    private static CachedObject? Previous(KindCache cache, System.Text.Json.Nodes.JsonObject obj) => cache.Get(ObjectMeta.Namespace(obj), ObjectMeta.Name(obj));

    /// <summary>Shares equal field values between cached objects (only the feed's thread uses it); bounded, so unique values cannot grow it forever.</summary>
    private string Intern(string value)
    {
        if (_interned.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (_interned.Count < 50_000)
        {
            _interned[value] = value;
        }

        return value;
    }

    private bool TryCacheFor(string persistenceId, out KindCache cache)
    {
        // Persistence ids are "group/plural/namespace/name" or "group/plural/name".
        var first = persistenceId.IndexOf('/', StringComparison.Ordinal);
        var second = first < 0 ? -1 : persistenceId.IndexOf('/', first + 1);
        cache = null!;
        return second > 0 && _byStorageKey.TryGetValue(persistenceId[..second], out cache!);
    }

    private void Advance(long ordering, bool live)
    {
        foreach (var cache in _byStorageKey.Values)
        {
            cache.AdvanceTo(ordering, live);
        }

        if (ordering > Volatile.Read(ref _processed))
        {
            Volatile.Write(ref _processed, ordering);
            var signal = Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            signal.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Watch cache loaded through journal ordering {Ordering}: {Objects} objects")]
    private static partial void LogLoaded(ILogger logger, long ordering, int objects);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Watch cache skipped an unreadable event: [{PersistenceId}] sequence number {SequenceNr} at ordering {Ordering}")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string persistenceId, long sequenceNr, long ordering);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Watch cache feed failed after ordering {Ordering} (attempt {Attempt}); retrying")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, long ordering, int attempt);
}

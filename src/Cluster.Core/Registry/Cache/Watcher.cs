using System.Threading.Channels;

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// One watch on a kind's cache. It first yields <see cref="Initial"/> (synthetic ADDED events for
/// the current objects, or the retained history after the requested resourceVersion), then live
/// events from <see cref="Live"/>. A watcher that falls too far behind is closed
/// (<see cref="Overflowed"/>): the client re-watches from the last version it saw.
/// Selector filtering happens on the consumer's side, so a slow selector never slows the feed.
/// </summary>
public sealed class Watcher : IDisposable
{
    private readonly KindCache _cache;
    private readonly Channel<WatchEvent> _channel;
    private int _overflowed;

    internal Watcher(KindCache cache, string? ns, string? name, int capacity, IReadOnlyList<WatchEvent> initial, long startVersion, WatchTrigger? trigger = null)
    {
        Trigger = trigger;
        StartVersion = startVersion;
        _cache = cache;
        Namespace = ns;
        Name = name;
        Initial = initial;
        _channel = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Only this namespace's objects (null: all).</summary>
    public string? Namespace { get; }

    /// <summary>Only the object of this name (a metadata.name field selector; null: all).</summary>
    public string? Name { get; }

    /// <summary>Only objects whose field has this value, now or before the change (an exact field selector the cache indexes watchers by).</summary>
    public WatchTrigger? Trigger { get; }

    /// <summary>The cache's version when the watch started: <see cref="Initial"/> covers everything up to it.</summary>
    public long StartVersion { get; }

    /// <summary>Events to deliver before the live ones, in order.</summary>
    public IReadOnlyList<WatchEvent> Initial { get; }

    public ChannelReader<WatchEvent> Live => _channel.Reader;

    /// <summary>True when the watcher was closed because it could not keep up.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) != 0;

    /// <summary>The cache's current resourceVersion, if no event is waiting (for bookmarks); null otherwise.</summary>
    public long? BookmarkVersion() => _cache.BookmarkVersion(this);

    public void Dispose() => _cache.Remove(this);

    internal bool Wants(CachedObject obj) => InScope(obj) && (Trigger is not { } t || t.Matches(obj));

    /// <summary>Whether the event concerns this watcher: its object now, or what it was before (it left the selector).</summary>
    internal bool Wants(WatchEvent e) =>
        InScope(e.Object) && (Trigger is not { } t || t.Matches(e.Object) || (e.Previous is { } before && t.Matches(before)));

    internal bool InScope(CachedObject obj) =>
        (Namespace is null || obj.Namespace == Namespace) && (Name is null || obj.Name == Name);

    /// <summary>Called by the feed, under the cache's lock.</summary>
    internal void Offer(WatchEvent @event)
    {
        if (!_channel.Writer.TryWrite(@event) && Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _cache.Remove(this);
        }
    }

    internal void Close() => _channel.Writer.TryComplete();
}

/// <summary>
/// An exact field selector a cache indexes its watchers by (upstream's watch-cache triggers, spec.nodeName for pods): an
/// event goes only to the watchers whose value the object has, now or before, instead of past every watcher's filter.
/// </summary>
public sealed record WatchTrigger(string Field, string Value)
{
    /// <summary>The object's value of <paramref name="field"/> ("" when it has none).</summary>
    public static string ValueOf(CachedObject obj, string field) => obj.TryGetField(field, out var value) ? value : "";

    public bool Matches(CachedObject obj) => ValueOf(obj, Field) == Value;
}

using System.Globalization;
using System.Threading.Channels;
using Cluster.Core.Registry;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Events;

/// <summary>
/// Records Events about objects, as client-go's recorder with its correlator: recording never blocks the caller (a
/// bounded queue; when full, the event is dropped and logged, as upstream's broadcaster does); one writer turns them
/// into Events, and an exact repeat (same object, type, reason, message and source) raises the first Event's count
/// and lastTimestamp instead of writing another, so <c>kubectl describe</c> shows "x5" rather than five lines. Before
/// that, the <see cref="EventCorrelator"/> combines similar Events and holds back a source's spam about one object.
/// </summary>
public sealed partial class EventRecorder : IAsyncDisposable
{
    /// <summary>Upstream's maxQueuedEvents (the broadcaster's queue).</summary>
    public const int QueueCapacity = 1000;

    private readonly IEventSink _sink;
    private readonly V1EventSource _source;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Channel<Corev1Event> _queue = Channel.CreateBounded<Corev1Event>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly EventCorrelator _correlator;
    private readonly Lru<Remembered> _counted;
    private readonly CancellationTokenSource _stopping = new();
    private Task _writing = Task.CompletedTask;

    /// <param name="remembered">How many distinct Events are remembered for counting repeats (upstream's LRU of 4,096).</param>
    public EventRecorder(IEventSink sink, string component, string? host, TimeProvider clock, ILogger logger, int remembered = 4096)
    {
        _sink = sink;
        _source = new V1EventSource { Component = component, Host = host };
        _clock = clock;
        _logger = logger;
        _correlator = new EventCorrelator(remembered);
        _counted = new Lru<Remembered>(remembered);
    }

    private long _lastNanos;

    /// <summary>Events written or counted so far, for tests and stats.</summary>
    public long Writes { get; private set; }

    /// <summary>Events the correlator's spam filter skipped (a source's burst about one object used up).</summary>
    public long Skipped { get; private set; }

    public void Start()
    {
        if (_writing.IsCompleted)
        {
            _writing = Task.Run(() => WriteAsync(_stopping.Token), CancellationToken.None);
        }
    }

    public void Normal(V1ObjectReference regarding, string reason, string message) => Record(regarding, "Normal", reason, message);

    public void Warning(V1ObjectReference regarding, string reason, string message) => Record(regarding, "Warning", reason, message);

    public void Record(V1ObjectReference regarding, string type, string reason, string message)
    {
        var now = _clock.GetUtcNow();
        var e = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                // Upstream's name: the object's name and the time in nanoseconds, in hex (kept increasing, so two
                // Events recorded within one clock tick do not collide).
                Name = string.Create(CultureInfo.InvariantCulture, $"{regarding.Name}.{NextNanos(now):x}"),
                NamespaceProperty = string.IsNullOrEmpty(regarding.NamespaceProperty) ? "default" : regarding.NamespaceProperty,
            },
            InvolvedObject = regarding,
            Type = type,
            Reason = reason,
            Message = message,
            Source = _source,
            ReportingComponent = _source.Component,
            ReportingInstance = _source.Host ?? "",
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
        if (!_queue.Writer.TryWrite(e))
        {
            LogDropped(_logger, regarding.Kind, regarding.Name, reason);
        }
    }

    private long NextNanos(DateTimeOffset now)
    {
        var nanos = (now.ToUnixTimeMilliseconds() * 1_000_000) + (now.Ticks % TimeSpan.TicksPerMillisecond * 100);
        while (true)
        {
            var last = Interlocked.Read(ref _lastNanos);
            var next = Math.Max(nanos, last + 1);
            if (Interlocked.CompareExchange(ref _lastNanos, next, last) == last)
            {
                return next;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // What was recorded before stopping is still written.
        _queue.Writer.TryComplete();
        await _writing.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task WriteAsync(CancellationToken ct)
    {
        await foreach (var e in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                if (await WriteOneAsync(e, ct).ConfigureAwait(false))
                {
                    Writes++;
                }
            }
            catch (Exception error) when (!ct.IsCancellationRequested)
            {
                LogWriteFailed(_logger, error, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Reason);
            }
        }
    }

    /// <summary>Writes what the correlator makes of <paramref name="recorded"/>; false when it was skipped.</summary>
    private async Task<bool> WriteOneAsync(Corev1Event recorded, CancellationToken ct)
    {
        var now = new DateTimeOffset(recorded.LastTimestamp!.Value, TimeSpan.Zero);
        var (e, key) = _correlator.Aggregate(recorded, now);
        var seen = _counted.Get(key);
        if (_correlator.IsSpam(e, now))
        {
            // As upstream's correlator: a skipped repeat still counts, and the next one written carries the count.
            if (seen is not null)
            {
                _counted.Put(key, seen with { Count = seen.Count + 1 });
            }

            Skipped++;
            return false;
        }

        if (seen is not null)
        {
            var repeat = seen with { Count = seen.Count + 1 };
            try
            {
                await _sink.UpdateCountAsync(repeat.Namespace, repeat.Name, repeat.Count, now, ct).ConfigureAwait(false);
                _counted.Put(key, repeat);
                return true;
            }
            catch (ApiException notFound) when (notFound.Code == 404)
            {
                // The first Event is gone (deleted, or its time to live passed): this one starts a new count.
                _counted.Remove(key);
            }
        }

        await _sink.CreateAsync(e, ct).ConfigureAwait(false);
        _counted.Put(key, new Remembered(e.Metadata.NamespaceProperty, e.Metadata.Name, 1));
        return true;
    }

    private sealed record Remembered(string Namespace, string Name, int Count);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Event queue full: dropped {Reason} about {Kind} {Name}")]
    private static partial void LogDropped(ILogger logger, string kind, string name, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "Could not write the {Reason} event about {Kind} {Name}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string kind, string name, string reason);
}

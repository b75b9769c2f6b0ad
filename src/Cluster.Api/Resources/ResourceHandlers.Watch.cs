using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Api.Tables;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>
/// watch: a chunked stream of one JSON event per line, flushed after each burst. Selectors apply to
/// events as upstream does: an object that stops matching is DELETED, one that starts matching ADDED.
/// </summary>
public sealed partial class ResourceHandlers
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>The longest timer a CancellationTokenSource takes, in whole seconds.</summary>
    private const long MaxWatchTimeoutSeconds = (uint.MaxValue - 1L) / 1000;

    private async Task WatchAsync(HttpContext context, ApiPath path, CancellationToken requestAborted)
    {
        var request = context.Request;
        var options = ListOptionsOf(path.Kind, request);
        var bookmarks = ApiQuery.Flag(request, "allowWatchBookmarks");
        var sendInitialEnd = ApiQuery.Flag(request, "sendInitialEvents");
        var table = ApiQuery.Shape(request) == ResponseShape.Table;
        var include = IncludeObjectOf(request);
        // A timeout beyond what a timer holds (49 days) is as good as none: it is clamped rather than overflowing.
        var timeout = ApiQuery.Long(request, "timeoutSeconds") is { } seconds and > 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, MaxWatchTimeoutSeconds))
            : settings.MinWatchTimeout * (1 + Random.Shared.NextDouble());
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, deadline.Token);
        var ct = linked.Token;

        context.Response.StatusCode = 200;
        context.Response.ContentType = ResponseWriter.Json;
        var stream = new WatchStream(context.Response, path.Kind, table, include, clock);
        Watcher watcher;
        Func<CachedObject, bool> filter;
        try
        {
            (watcher, filter) = await registry.WatchAsync(path.Kind.Storage, path.Namespace, options, requestAborted).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            await stream.WriteErrorAsync(e, requestAborted).ConfigureAwait(false);
            return;
        }

        using (watcher)
        {
            await context.Response.StartAsync(requestAborted).ConfigureAwait(false);
            try
            {
                foreach (var e in watcher.Initial)
                {
                    if (stream.Add(e, filter))
                    {
                        await stream.FlushAsync(ct).ConfigureAwait(false);
                    }
                }

                if (sendInitialEnd)
                {
                    stream.AddBookmark(watcher.StartVersion, initialEventsEnd: true);
                }

                await stream.FlushAsync(ct).ConfigureAwait(false);

                // One pending read and one bookmark timer for the whole watch (no per-wake-up timers).
                using var ticker = bookmarks ? new PeriodicTimer(settings.BookmarkInterval, clock) : null;
                Task<bool>? tick = null;
                Task<bool>? ready = null;
                while (!ct.IsCancellationRequested)
                {
                    ready ??= watcher.Live.WaitToReadAsync(ct).AsTask();
                    if (ticker is not null)
                    {
                        tick ??= ticker.WaitForNextTickAsync(ct).AsTask();
                        if (await Task.WhenAny(ready, tick).ConfigureAwait(false) == tick)
                        {
                            tick = null;
                            if (watcher.BookmarkVersion() is { } version)
                            {
                                stream.AddBookmark(version, initialEventsEnd: false);
                                await stream.FlushAsync(ct).ConfigureAwait(false);
                            }

                            continue;
                        }
                    }

                    var more = await ready.ConfigureAwait(false);
                    ready = null;
                    if (!more)
                    {
                        // Closed: the watcher fell behind or the server is stopping; the client re-watches.
                        return;
                    }

                    while (watcher.Live.TryRead(out var e))
                    {
                        if (stream.Add(e, filter))
                        {
                            await stream.FlushAsync(ct).ConfigureAwait(false);
                        }
                    }

                    await stream.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // timeoutSeconds reached or the client left: the stream simply ends.
            }
        }
    }

    /// <summary>Serializes watch events into the response, buffering a burst between flushes.</summary>
    private sealed class WatchStream(HttpResponse response, ResourceKind kind, bool table, IncludeObject include, TimeProvider clock)
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private bool _columnsSent;

        /// <summary>Adds the event if it passes the selectors; true when the buffer is large enough to flush.</summary>
        public bool Add(WatchEvent e, Func<CachedObject, bool> filter)
        {
            var matchesNow = filter(e.Object);
            var matchedBefore = e.Previous is not null && filter(e.Previous);
            var type = e.Type switch
            {
                WatchEventType.Added => matchesNow ? "ADDED" : null,
                WatchEventType.Modified when matchesNow => matchedBefore ? "MODIFIED" : "ADDED",
                WatchEventType.Modified => matchedBefore ? "DELETED" : null,
                WatchEventType.Deleted => matchesNow || matchedBefore ? "DELETED" : null,
                _ => null,
            };
            if (type is not null)
            {
                if (!table && type == NaturalType(e.Type) && kind.StoredAs is null)
                {
                    _buffer.Write(e.Frame(type));
                }
                else
                {
                    Write(type, e.Object);
                }
            }

            return _buffer.WrittenCount > 64 * 1024;
        }

        private static string NaturalType(WatchEventType type) => type switch
        {
            WatchEventType.Added => "ADDED",
            WatchEventType.Modified => "MODIFIED",
            WatchEventType.Deleted => "DELETED",
            _ => "BOOKMARK",
        };

        public void AddBookmark(long resourceVersion, bool initialEventsEnd)
        {
            var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (initialEventsEnd)
            {
                metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
            }

            var bookmark = new JsonObject { ["kind"] = kind.Kind, ["apiVersion"] = kind.ApiVersion, ["metadata"] = metadata };
            using var w = new Utf8JsonWriter(_buffer, ApiJson.WriterOptions);
            w.WriteStartObject();
            w.WriteString("type", "BOOKMARK");
            w.WritePropertyName("object");
            bookmark.WriteTo(w);
            w.WriteEndObject();
            w.Flush();
            _buffer.Write(NewLine);
        }

        public async Task WriteErrorAsync(ApiException error, CancellationToken ct)
        {
            using (var w = new Utf8JsonWriter(_buffer, ApiJson.WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("type", "ERROR");
                w.WritePropertyName("object");
                ApiJson.Status(error).WriteTo(w);
                w.WriteEndObject();
            }

            _buffer.Write(NewLine);
            await FlushAsync(ct).ConfigureAwait(false);
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            // Writing to the body pipe also flushes it: one send per burst, no separate flush.
            if (_buffer.WrittenCount > 0)
            {
                await response.BodyWriter.WriteAsync(_buffer.WrittenMemory, ct).ConfigureAwait(false);
                _buffer.ResetWrittenCount();
            }
            else
            {
                await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
            }
        }

        private void Write(string type, CachedObject obj)
        {
            using var w = new Utf8JsonWriter(_buffer, ApiJson.WriterOptions);
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName("object");
            if (table)
            {
                TableWriter.WriteTable(w, TableConverters.For(kind), [ServedObject(kind, obj)], obj.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), null, include, includeColumns: !_columnsSent, clock.GetUtcNow());
                _columnsSent = true;
            }
            else
            {
                w.WriteRawValue(Served(kind, obj.Json), skipInputValidation: true);
            }

            w.WriteEndObject();
            w.Flush();
            _buffer.Write(NewLine);
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Cache;

namespace Cluster.Core.Registry;

/// <summary>Lists and watches, served from the watch cache.</summary>
public sealed partial class ResourceRegistry
{
    /// <summary>One page of the kind's objects (of <paramref name="ns"/>, or all when null) matching the selectors, in namespace/name order.</summary>
    public async Task<ListResult> ListAsync(ResourceKind kind, string? ns, ListOptions options, CancellationToken cancellationToken)
    {
        if (options.ResourceVersion != "0")
        {
            await SyncAsync(cancellationToken).ConfigureAwait(false);
        }

        var cache = Feed.Cache(kind);
        var filter = FilterFor(kind, options);
        var scope = kind.Namespaced ? ns : null;
        if (options.Fields?.TryGetExactMatch("metadata.name", out var only) == true && scope is not null && options.Continue is null)
        {
            var single = cache.Get(scope, only);
            return new ListResult(single is not null && filter(single) ? [single] : [], cache.ResourceVersion, null, null);
        }

        // Every page of one list is served as of the first page's version (the continue token carries it); without
        // selectors the pages say how many objects remain, as upstream's remainingItemCount.
        var (afterKey, at) = options.Continue is { Length: > 0 } token ? DecodeContinue(token) : (null, long.MaxValue);
        var countRemaining = options.Limit > 0 && options.Labels is null or { IsEverything: true } && options.Fields is null or { Requirements.Count: 0 };
        var (items, version, remaining) = cache.ListAt(scope, afterKey, at, filter, options.Limit, countRemaining);
        if (options.Limit > 0 && (items.Count > options.Limit || remaining > 0))
        {
            var page = items.Count > options.Limit ? items.Take(options.Limit).ToArray() : items;
            return new ListResult(page, version, EncodeContinue(page[^1].Key, version), remaining);
        }

        return new ListResult(items, version, null, null);
    }

    /// <summary>
    /// Starts a watch. resourceVersion null, "" or "0": synthetic ADDED events for the current
    /// objects, then changes; a number: every change after it (410 Expired when too old).
    /// </summary>
    public async Task<(Watcher Watcher, Func<CachedObject, bool> Filter)> WatchAsync(ResourceKind kind, string? ns, ListOptions options, CancellationToken cancellationToken)
    {
        long? from = null;
        if (options.ResourceVersion is { Length: > 0 } text && text != "0")
        {
            from = ParseResourceVersion(text);
            await WaitForVersionAsync(from.Value, cancellationToken).ConfigureAwait(false);
        }
        else if (options.ResourceVersion is null or "")
        {
            await SyncAsync(cancellationToken).ConfigureAwait(false);
        }

        string? name = null;
        if (options.Fields?.TryGetExactMatch("metadata.name", out var exact) == true)
        {
            name = exact;
        }

        // As upstream's watch cache: a pod watch for one node (kubelets, node agents) is indexed by it, so an event reaches
        // only the watchers of its node instead of being offered to every node's.
        var trigger = kind == BuiltInKinds.Pod && options.Fields?.TryGetExactMatch("spec.nodeName", out var node) == true ? new WatchTrigger("spec.nodeName", node) : null;
        var watcher = Feed.Cache(kind).Watch(kind.Namespaced ? ns : null, name, from, _settings.WatcherBuffer, trigger);
        return (watcher, FilterFor(kind, options));
    }

    /// <summary>Parses a resourceVersion given by a client (400 when it is not a number).</summary>
    public static long ParseResourceVersion(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiException.BadRequest($"Invalid value: \"{text}\": must be a non-negative integer resourceVersion");

    /// <summary>The selectors of <paramref name="options"/> as one predicate; fields beyond metadata are read by the kind's strategy.</summary>
    public Func<CachedObject, bool> FilterFor(ResourceKind kind, ListOptions options)
    {
        var labels = options.Labels is { IsEverything: false } l ? l : null;
        var fields = options.Fields is { Requirements.Count: > 0 } f ? f : null;
        if (labels is null && fields is null)
        {
            return static _ => true;
        }

        var strategy = StrategyFor(kind);

        // An unsupported field is refused up front, even when nothing would be listed (as upstream).
        var probe = new JsonObject();
        fields?.EnsureSupported(kind, field => field is "metadata.name" or "metadata.namespace" || strategy.SelectableField(probe, field) is not null);
        return obj =>
        {
            if (labels is not null && !labels.Matches(obj.Labels))
            {
                return false;
            }

            if (fields is null)
            {
                return true;
            }

            JsonObject? parsed = null;
            return fields.Matches(field => field switch
            {
                "metadata.name" => obj.Name,
                "metadata.namespace" => obj.Namespace,
                _ when obj.TryGetField(field, out var value) => value,
                _ => strategy.SelectableField(parsed ??= obj.ToJsonObject(), field),
            });
        };
    }

    /// <summary>A continue token: the last key served and the list's version, as base64 JSON (opaque to clients, as in Kubernetes).</summary>
    private static string EncodeContinue(string lastKey, long version) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = version, ["start"] = lastKey }));

    private static (string Key, long Version) DecodeContinue(string token)
    {
        // The reasons in this API's words (as upstream's "continue key is not valid: ..."), never the runtime's.
        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var length))
        {
            throw ApiException.BadRequest("continue key is not valid: it is not base64");
        }

        JsonNode? node;
        try
        {
            // Invalid UTF-8 inside a string would only throw when the string is read.
            node = System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(0, length)) ? JsonNode.Parse(bytes.AsSpan(0, length)) : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw ApiException.BadRequest("continue key is not valid: it does not hold a continue token");
        }

        if (node is not JsonObject o || o["start"] is not JsonValue start || !start.TryGetValue<string>(out var key))
        {
            throw ApiException.BadRequest("continue key is not valid: it names no start key");
        }

        if (o["rv"] is not JsonValue rv || !rv.TryGetValue<long>(out var version) || version <= 0)
        {
            throw ApiException.BadRequest("continue key is not valid: its resource version is missing or not positive");
        }

        return (key, version);
    }
}

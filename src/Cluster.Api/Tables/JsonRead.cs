using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Api.Tables;

/// <summary>
/// Lenient reads from an object tree: a missing or mistyped field reads as Go's zero value, as it would
/// after decoding into a typed struct, so a malformed object still prints instead of failing the list.
/// </summary>
internal static class JsonRead
{
    public static JsonNode? At(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var p in path)
        {
            node = node is JsonObject o ? o[p] : null;
        }

        return node;
    }

    public static string Str(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    /// <summary>The integer at the path, or null when absent (Go's nil pointer).</summary>
    public static long? IntOrNull(JsonNode? node, params ReadOnlySpan<string> path)
    {
        if (At(node, path) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        return v.TryGetValue<long>(out var l) ? l : v.TryGetValue<double>(out var d) ? (long)d : null;
    }

    public static long Int(JsonNode? node, params ReadOnlySpan<string> path) => IntOrNull(node, path) ?? 0;

    public static bool? BoolOrNull(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static bool Bool(JsonNode? node, params ReadOnlySpan<string> path) => BoolOrNull(node, path) ?? false;

    public static JsonObject? Obj(JsonNode? node, params ReadOnlySpan<string> path) => At(node, path) as JsonObject;

    public static IEnumerable<JsonObject> Objects(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonArray a ? a.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonArray a
            ? a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())
            : [];

    /// <summary>Number of entries of the map or array at the path (Go's len of nil is 0).</summary>
    public static int Count(JsonNode? node, params ReadOnlySpan<string> path) => At(node, path) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    /// <summary>A metav1.Time or MicroTime; null when absent, unparsable or Go's zero time.</summary>
    public static DateTimeOffset? Time(JsonNode? node, params ReadOnlySpan<string> path)
    {
        var s = Str(node, path);
        if (s.Length == 0 || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return null;
        }

        return t.UtcTicks == 0 ? null : t;
    }

    /// <summary>translateTimestampSince: the age of a timestamp, "&lt;unknown&gt;" when unset.</summary>
    public static string Since(DateTimeOffset? time, DateTimeOffset now) =>
        time is { } t ? HumanDuration.Format(now - t) : "<unknown>";

    public static string Age(JsonObject obj, DateTimeOffset now) => Since(Time(obj, "metadata", "creationTimestamp"), now);

    public static string Name(JsonObject obj) => Str(obj, "metadata", "name");

    public static string OrNone(string s) => s.Length == 0 ? "<none>" : s;

    /// <summary>The printers' cut for long lists (formatEndpoints, formatHosts): three comma-joined, then "+ N more...".</summary>
    public static string FirstThree(IReadOnlyList<string> items) => items.Count <= 3
        ? string.Join(",", items)
        : string.Join(",", items.Take(3)) + string.Create(CultureInfo.InvariantCulture, $" + {items.Count - 3} more...");
}

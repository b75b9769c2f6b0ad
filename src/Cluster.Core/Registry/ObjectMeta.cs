using System.Text.Json.Nodes;

namespace Cluster.Core.Registry;

/// <summary>
/// Reads and writes the <c>metadata</c> of an object held as a JSON tree. Objects stay JSON from
/// the wire to the journal, so every field a client sent comes back as sent, including fields
/// this system does not know.
/// </summary>
public static class ObjectMeta
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? GetString(JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Name(JsonObject obj) => GetString(obj["metadata"], "name") ?? "";

    public static string Namespace(JsonObject obj) => GetString(obj["metadata"], "namespace") ?? "";

    public static string? Uid(JsonObject obj) => GetString(obj["metadata"], "uid");

    public static string? ResourceVersion(JsonObject obj) => GetString(obj["metadata"], "resourceVersion");

    public static string? DeletionTimestamp(JsonObject obj) => GetString(obj["metadata"], "deletionTimestamp");

    public static long Generation(JsonObject obj) =>
        obj["metadata"] is JsonObject m && m["generation"] is JsonValue v && v.TryGetValue<long>(out var g) ? g : 0;

    /// <summary>metadata.labels as a dictionary (empty when absent; non-string values are skipped).</summary>
    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) => StringMap(obj["metadata"]?["labels"]);

    public static IReadOnlyDictionary<string, string> Annotations(JsonObject obj) => StringMap(obj["metadata"]?["annotations"]);

    /// <summary>Adds <paramref name="finalizer"/> to metadata.finalizers (made when absent); false when it was there.</summary>
    public static bool AddFinalizer(JsonObject obj, string finalizer)
    {
        var metadata = Metadata(obj);
        if (metadata["finalizers"] is not JsonArray finalizers)
        {
            metadata["finalizers"] = new JsonArray(finalizer);
            return true;
        }

        if (finalizers.Any(f => f is JsonValue v && v.TryGetValue<string>(out var s) && s == finalizer))
        {
            return false;
        }

        finalizers.Add(finalizer);
        return true;
    }

    /// <summary>metadata.finalizers (empty when absent).</summary>
    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a
            ? a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToArray()
            : [];

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node)
    {
        if (node is not JsonObject map || map.Count == 0)
        {
            return EmptyMap;
        }

        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var s))
            {
                result[key] = s;
            }
        }

        return result;
    }

    /// <summary>Kubernetes' timestamp format: RFC 3339 in UTC, whole seconds.</summary>
    /// <summary>A metav1.MicroTime: RFC 3339 with microseconds (Leases' renewTime, Events' eventTime).</summary>
    public static string MicroTimestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}

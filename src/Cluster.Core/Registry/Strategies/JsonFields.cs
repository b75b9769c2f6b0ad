using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Typed reads and defaulting writes on objects held as JSON trees. Reads are lenient (a value of
/// the wrong JSON type reads as absent) because validation, not reading, decides what is wrong.
/// </summary>
internal static class JsonFields
{
    public static JsonObject? Obj(JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonObject : null;

    public static JsonArray? Arr(JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonArray : null;

    public static string? Str(JsonNode? node, string key) => node is JsonObject o ? AsString(o[key]) : null;

    public static string? AsString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Int(JsonNode? node, string key) => node is JsonObject o ? AsLong(o[key]) : null;

    /// <summary>An integral JSON number (parsed or set from C#, of any numeric type), else null.</summary>
    public static long? AsLong(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        var text = v.ToJsonString();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e18 ? (long)d
            : null;
    }

    public static bool? Bool(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v ? v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    /// <summary>True when the key is absent or JSON null (Go's nil pointer).</summary>
    public static bool Missing(JsonObject o, string key) => !o.TryGetPropertyValue(key, out var n) || n is null;

    /// <summary>Elements of an array that are objects, with their index (other elements are left to validation).</summary>
    public static IEnumerable<(int Index, JsonObject Item)> Items(JsonArray? array)
    {
        if (array is null)
        {
            yield break;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item)
            {
                yield return (i, item);
            }
        }
    }

    /// <summary>The object under <paramref name="key"/>, created when absent or not an object.</summary>
    public static JsonObject Ensure(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>Sets a value when the key is absent or null (Go's nil pointer defaulting).</summary>
    public static void Default(JsonObject o, string key, JsonNode value)
    {
        if (Missing(o, key))
        {
            o[key] = value;
        }
    }

    /// <summary>Sets a string when absent, null or "" (Go's empty-string defaulting).</summary>
    public static void DefaultString(JsonObject o, string key, string value)
    {
        if (string.IsNullOrEmpty(Str(o, key)) && !(o[key] is JsonValue v && v.GetValueKind() != JsonValueKind.String))
        {
            o[key] = value;
        }
    }

    /// <summary>Sets a number when absent, null or 0 (Go's zero-value defaulting of non-pointer ints).</summary>
    public static void DefaultNonZero(JsonObject o, string key, long value)
    {
        if (Missing(o, key) || AsLong(o[key]) == 0)
        {
            o[key] = value;
        }
    }

    public static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>
    /// Same, treating an absent key and JSON null alike at every level (a client that writes
    /// <c>"field": null</c> has not changed a field that was absent).
    /// </summary>
    public static bool SameIgnoringNulls(JsonNode? a, JsonNode? b)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var (key, value) in oa)
            {
                if (!SameIgnoringNulls(value, ob[key]))
                {
                    return false;
                }
            }

            return ob.All(p => p.Value is null || oa.ContainsKey(p.Key));
        }

        if (a is JsonArray xa && b is JsonArray xb)
        {
            return xa.Count == xb.Count && xa.Zip(xb).All(p => SameIgnoringNulls(p.First, p.Second));
        }

        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>How a value reads in a message: strings quoted, numbers and booleans bare, objects as compact JSON.</summary>
    public static string Render(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => value.ToJsonString(),
    };

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public static string Key(string path, string key) => path + "[" + key + "]";
}

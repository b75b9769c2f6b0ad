using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>What changed between two versions of an object, as field sets (structured-merge-diff's Comparison).</summary>
internal sealed record FieldChanges(FieldSet Added, FieldSet Modified, FieldSet Removed)
{
    public FieldSet Changed => Added.Union(Modified);

    public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;

    public FieldChanges Without(FieldSet ignored) => new(Added.WithoutSubtrees(ignored), Modified.WithoutSubtrees(ignored), Removed.WithoutSubtrees(ignored));
}

/// <summary>
/// Turns objects into field sets the way structured-merge-diff walks typed values, with
/// <see cref="PatchSchema"/> standing in for the OpenAPI schema: lists that merge by key are
/// associative (items <c>k:{…}</c>), lists of scalars that merge are sets (<c>v:…</c>), every
/// other list and every atomic map is a single leaf.
/// </summary>
internal static class FieldSetWalker
{
    private static readonly JsonSerializerOptions CanonicalJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Per thread: item keys are made on every object actor's thread at once.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? KeyBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? KeyWriter;

    /// <summary>
    /// Struct fields that Go objects always carry (non-pointer structs), so an update never
    /// "adds" them and their owner does not own the struct itself, only what is in it.
    /// </summary>
    private static readonly HashSet<string> AlwaysPresent = new(StringComparer.Ordinal)
    {
        "metadata", "spec", "status", "template", "strategy", "updateStrategy", "jobTemplate", "resources",
    };

    public static string Canonical(JsonNode? value) => value?.ToJsonString(CanonicalJson) ?? "null";

    /// <summary>The path element of a list item, or null when the list is atomic.</summary>
    public static string? ItemElement(JsonNode? item, PatchField field)
    {
        if (!field.MergeList)
        {
            return null;
        }

        if (item is JsonObject map)
        {
            var keys = field.ItemKeys;
            if (keys.Count == 0)
            {
                return null;
            }

            // The key object's canonical JSON written straight from the item's values: no key object, no clones.
            var sorted = keys.Count == 1 ? keys : keys.Order(StringComparer.Ordinal).ToList();
            var buffer = KeyBuffer ??= new ArrayBufferWriter<byte>(256);
            buffer.ResetWrittenCount();
            var writer = KeyWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
            writer.Reset(buffer);
            writer.WriteStartObject();
            foreach (var name in sorted)
            {
                if (map.TryGetPropertyValue(name, out var value) && value is not null)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer, CanonicalJson);
                }
                else if (field.KeyDefaults.TryGetValue(name, out var fallback))
                {
                    writer.WriteString(name, fallback);
                }
            }

            writer.WriteEndObject();
            writer.Flush();
            return string.Concat("k:", Encoding.UTF8.GetString(buffer.WrittenSpan));
        }

        return item is JsonValue ? "v:" + Canonical(item) : null;
    }

    /// <summary>True when the list's items are addressed one by one (associative list or set).</summary>
    public static bool Itemized(JsonArray? list, PatchField field) =>
        field.MergeList && (list is null || list.All(i => ItemElement(i, field) is not null));

    /// <summary>The fields an applied configuration sets: its leaves, and each list item it names.</summary>
    public static FieldSet ToFieldSet(JsonObject value, PatchSchema schema)
    {
        var set = new FieldSet();
        AddObject(value, schema, set);
        return set;
    }

    private static void AddObject(JsonObject value, PatchSchema schema, FieldSet node)
    {
        foreach (var (name, child) in value)
        {
            if (child is not null)
            {
                AddValue(child, schema.Field(name), node.Child("f:" + name));
            }
        }
    }

    private static void AddValue(JsonNode value, PatchField field, FieldSet node)
    {
        switch (value)
        {
            case JsonObject map when !field.Atomic:
                if (map.Count == 0)
                {
                    node.Member = true;
                }

                AddObject(map, field.Schema, node);
                break;
            case JsonArray list when Itemized(list, field):
                foreach (var item in list)
                {
                    var itemNode = node.Child(ItemElement(item, field)!);
                    itemNode.Member = true;
                    if (item is JsonObject itemMap)
                    {
                        AddObject(itemMap, field.Schema, itemNode);
                    }
                }

                break;
            default:
                node.Member = true;
                break;
        }
    }

    /// <summary>Compares two versions of an object: leaves added, changed or removed, and maps and list items that appeared or went away.</summary>
    public static FieldChanges Compare(JsonObject? before, JsonObject? after, PatchSchema schema)
    {
        var changes = new FieldChanges(new FieldSet(), new FieldSet(), new FieldSet());
        CompareObjects(before, after, schema, [], changes);
        return changes;
    }

    private static void CompareObjects(JsonObject? before, JsonObject? after, PatchSchema schema, List<string> path, FieldChanges changes)
    {
        if (before is not null)
        {
            foreach (var (name, value) in before)
            {
                path.Add("f:" + name);
                CompareValues(value, after?[name], schema.Field(name), name, path, changes);
                path.RemoveAt(path.Count - 1);
            }
        }

        if (after is not null)
        {
            foreach (var (name, value) in after)
            {
                if (before is null || !before.ContainsKey(name))
                {
                    path.Add("f:" + name);
                    CompareValues(null, value, schema.Field(name), name, path, changes);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }
    }

    private static void CompareValues(JsonNode? before, JsonNode? after, PatchField field, string? name, List<string> path, FieldChanges changes)
    {
        if (before is null && after is null)
        {
            return;
        }

        // Equal values have no changes anywhere below: one comparison instead of keying every list item twice (a
        // status write leaves the whole spec as it was).
        if (before is not null && after is not null && JsonNode.DeepEquals(before, after))
        {
            return;
        }

        if (before is JsonObject or null && after is JsonObject or null && !field.Atomic && !(IsEmpty(before) && IsEmpty(after)))
        {
            CompareObjects(before as JsonObject, after as JsonObject, field.Schema, path, changes);
            if (name is null || !AlwaysPresent.Contains(name))
            {
                MarkAppearance(before, after, path, changes);
            }

            return;
        }

        if (before is JsonArray or null && after is JsonArray or null && !(IsEmpty(before) && IsEmpty(after))
            && Itemized(before as JsonArray, field) && Itemized(after as JsonArray, field))
        {
            var beforeItems = Index(before as JsonArray, field);
            var afterItems = Index(after as JsonArray, field);
            var itemField = PatchField.Object(field.Schema);
            foreach (var element in beforeItems.Keys.Union(afterItems.Keys, StringComparer.Ordinal).ToList())
            {
                path.Add(element);
                CompareValues(beforeItems.GetValueOrDefault(element), afterItems.GetValueOrDefault(element), itemField, null, path, changes);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (before is null)
        {
            changes.Added.Insert(path);
        }
        else if (after is null)
        {
            changes.Removed.Insert(path);
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            changes.Modified.Insert(path);
        }
    }

    private static void MarkAppearance(JsonNode? before, JsonNode? after, List<string> path, FieldChanges changes)
    {
        if (before is null)
        {
            changes.Added.Insert(path);
        }
        else if (after is null)
        {
            changes.Removed.Insert(path);
        }
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    /// <summary>A list's items by path element; a repeated element keeps its first item, as upstream does.</summary>
    public static Dictionary<string, JsonNode?> Index(JsonArray? list, PatchField field)
    {
        var items = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var item in list ?? [])
        {
            items.TryAdd(ItemElement(item, field)!, item);
        }

        return items;
    }
}

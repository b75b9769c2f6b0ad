using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) as the API server
/// applies it (apimachinery pkg/util/strategicpatch, <c>StrategicMergeMapPatch</c>): maps merge,
/// a null deletes, lists merge by key or as sets where the schema says so and are replaced
/// otherwise, and the directives <c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/…</c> and
/// <c>$deleteFromPrimitiveList/…</c> are honoured. Values taken from the patch are stripped of
/// directives and nulls, since objects stay JSON here and never pass through typed decoding.
/// </summary>
public static partial class StrategicMergePatch
{
    internal const string DirectiveMarker = "$patch";
    internal const string RetainKeysDirective = "$retainKeys";
    internal const string SetElementOrderPrefix = "$setElementOrder";
    internal const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";

    /// <summary>Applies <paramref name="patch"/> to a deep copy of <paramref name="original"/>; neither input is changed.</summary>
    public static JsonObject Apply(JsonNode original, JsonNode patch, PatchSchema schema)
    {
        if (patch is not JsonObject patchObject)
        {
            throw PatchErrors.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
        }

        if (original is not JsonObject originalObject)
        {
            throw PatchErrors.BadRequest("invalid JSON document");
        }

        return MergeMap((JsonObject)originalObject.DeepClone(), (JsonObject)patchObject.DeepClone(), schema);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/> (both owned by the caller and changed freely).</summary>
    private static JsonObject MergeMap(JsonObject? original, JsonObject patch, PatchSchema schema)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            switch (Text(directive))
            {
                case "replace":
                    patch.Remove(DirectiveMarker);
                    return MergeMap(null, patch, schema);
                case "delete":
                    return [];
                case "merge":
                    patch.Remove(DirectiveMarker);
                    break;
                default:
                    throw PatchErrors.BadRequest($"unknown patch type: {directive?.ToJsonString()} in map: {patch.ToJsonString()}");
            }
        }

        original ??= [];
        ApplyRetainKeys(original, patch);
        ApplySetElementOrder(original, patch, schema);

        foreach (var (key, patchValue) in patch.ToArray())
        {
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                DeleteFromPrimitiveList(original, ExtractKey(key, DeleteFromPrimitiveListPrefix), patchValue);
                continue;
            }

            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }

            patch.Remove(key);
            var field = schema.Field(key);
            original.TryGetPropertyValue(key, out var originalValue);
            var merged = (originalValue, patchValue) switch
            {
                (JsonObject o, JsonObject p) when !field.Replace => MergeMap(o, p, field.Schema),
                (JsonArray o, JsonArray p) when field.MergeList => MergeList(o, p, field),
                _ => Sanitize(patchValue, field),
            };

            // A map merged in place is already there; re-adding a node that has a parent would throw.
            if (!ReferenceEquals(merged, originalValue))
            {
                original[key] = merged;
            }
        }

        return original;
    }

    /// <summary>A value taken whole from the patch, with its directives applied as if merged into nothing.</summary>
    private static JsonNode Sanitize(JsonNode value, PatchField field) => value switch
    {
        JsonObject o => MergeMap(null, o, field.Schema),
        JsonArray a when field.MergeList => MergeList([], a, field),
        _ => value,
    };

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retainNode))
        {
            return;
        }

        patch.Remove(RetainKeysDirective);
        if (retainNode is not JsonArray retainList)
        {
            throw PatchErrors.BadRequest("invalid patch format of retainKeys");
        }

        var retain = retainList.Select(Text).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            var isDirective = key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal);
            if (value is not null && !isDirective && !retain.Contains(key))
            {
                throw PatchErrors.BadRequest("invalid patch format of retainKeys");
            }
        }

        foreach (var key in original.Select(p => p.Key).Where(k => !retain.Contains(k)).ToArray())
        {
            original.Remove(key);
        }
    }

    private static void DeleteFromPrimitiveList(JsonObject original, string key, JsonNode? toDelete)
    {
        if (toDelete is not JsonArray values)
        {
            throw PatchErrors.BadRequest("invalid patch format of primitive list");
        }

        // Upstream would set the list to the deletion list when the object lacks it; deleting from nothing is nothing.
        if (original[key] is not JsonArray list)
        {
            return;
        }

        foreach (var item in list.Where(item => values.Any(v => JsonNode.DeepEquals(v, item))).ToArray())
        {
            list.Remove(item);
        }
    }

    /// <summary>The field name after a directive prefix ("$setElementOrder/containers" → "containers").</summary>
    private static string ExtractKey(string key, string prefix)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !key.AsSpan(0, slash).SequenceEqual(prefix))
        {
            throw PatchErrors.BadRequest(prefix == SetElementOrderPrefix ? "invalid patch format of setElementOrder list" : "invalid patch format of primitive list");
        }

        return key[(slash + 1)..];
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>
/// JSON merge patch (RFC 7386, <c>application/merge-patch+json</c>): objects merge recursively,
/// a null deletes the member, anything else (lists included) replaces the target value.
/// </summary>
public static class MergePatch
{
    /// <summary>Applies <paramref name="patch"/> to a deep copy of <paramref name="target"/>; neither input is changed.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Merge(target?.DeepClone(), patch);

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            if (value is JsonObject && result.TryGetPropertyValue(name, out var current) && current is JsonObject)
            {
                // Merged in place, so the member keeps its position.
                Merge(current, value);
                continue;
            }

            result[name] = Merge(null, value);
        }

        return result;
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Lists where two JSON trees differ, for the text upstream appends to a forbidden-update
/// message (there a Go cmp.Diff): one line per changed path, old value then new value.
/// </summary>
internal static class SpecDiff
{
    private const int MaxLines = 10;

    public static string Describe(string root, JsonNode? old, JsonNode? updated)
    {
        var lines = new List<string>();
        Collect(root, old, updated, lines);
        var text = new StringBuilder();
        foreach (var line in lines.Take(MaxLines))
        {
            text.Append("  ").Append(line).Append('\n');
        }

        if (lines.Count > MaxLines)
        {
            text.Append("  ... (").Append(lines.Count - MaxLines).Append(" more)\n");
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void Collect(string path, JsonNode? old, JsonNode? updated, List<string> lines)
    {
        if (JsonFields.SameIgnoringNulls(old, updated) || lines.Count > MaxLines)
        {
            return;
        }

        if (old is JsonObject a && updated is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
            {
                Collect(path + "." + key, a[key], b[key], lines);
            }

            return;
        }

        if (old is JsonArray x && updated is JsonArray y && x.Count == y.Count)
        {
            for (var i = 0; i < x.Count; i++)
            {
                Collect(JsonFields.Index(path, i), x[i], y[i], lines);
            }

            return;
        }

        lines.Add($"{path}: {Show(old)} -> {Show(updated)}");
    }

    private static string Show(JsonNode? node) => node is null ? "<unset>" : JsonFields.Render(node);
}

using System.Text.Json.Nodes;

namespace Cluster.Api.Tables;

/// <summary>
/// Label maps and LabelSelectors as the printers show them: <c>labels.FormatLabels</c> and
/// <c>metav1.FormatLabelSelector</c> (requirements sorted by key, values sorted, <c>&lt;none&gt;</c> when empty).
/// </summary>
internal static class SelectorFormat
{
    /// <summary>labels.FormatLabels: "k=v,k2=v2" sorted by key, "&lt;none&gt;" when empty.</summary>
    public static string Labels(JsonNode? map)
    {
        var pairs = map is JsonObject o
            ? o.Select(kv => (kv.Key, Value: JsonRead.Str(kv.Value))).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)
            : [];
        return JsonRead.OrNone(string.Join(",", pairs));
    }

    /// <summary>metav1.FormatLabelSelector: "&lt;none&gt;" for a nil or empty selector, "&lt;error&gt;" for an invalid one.</summary>
    public static string Selector(JsonNode? selector) => Render(selector) switch
    {
        null => "<error>",
        "" => "<none>",
        var s => s,
    };

    /// <summary>
    /// LabelSelectorAsSelector(...).String(): "" for a nil or empty selector, null when the selector is invalid
    /// (an unknown operator, or values that do not fit the operator).
    /// </summary>
    public static string? Render(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return "";
        }

        var requirements = new List<(string Key, string Text)>();
        if (s["matchLabels"] is JsonObject labels)
        {
            requirements.AddRange(labels.Select(kv => (kv.Key, kv.Key + "=" + JsonRead.Str(kv.Value))));
        }

        foreach (var expr in JsonRead.Objects(s, "matchExpressions"))
        {
            var key = JsonRead.Str(expr, "key");
            var values = JsonRead.Strings(expr, "values").Order(StringComparer.Ordinal).ToArray();
            var text = JsonRead.Str(expr, "operator") switch
            {
                "In" when values.Length > 0 => key + " in (" + string.Join(",", values) + ")",
                "NotIn" when values.Length > 0 => key + " notin (" + string.Join(",", values) + ")",
                "Exists" when values.Length == 0 => key,
                "DoesNotExist" when values.Length == 0 => "!" + key,
                _ => null,
            };
            if (text is null)
            {
                return null;
            }

            requirements.Add((key, text));
        }

        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }
}

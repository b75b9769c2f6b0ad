using System.Text.Json.Nodes;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// metav1.LabelSelector held as JSON (<c>matchLabels</c> and <c>matchExpressions</c>): matching
/// against a label set and upstream's validation of its keys, values and operators.
/// </summary>
public static class LabelSelectors
{
    /// <summary>True when the selector has neither matchLabels nor matchExpressions (it selects nothing in a workload).</summary>
    public static bool IsEmpty(JsonObject? selector) =>
        (JsonFields.Obj(selector, "matchLabels")?.Count ?? 0) + (JsonFields.Arr(selector, "matchExpressions")?.Count ?? 0) == 0;

    /// <summary>Whether the labels satisfy every matchLabels entry and every expression (a null or malformed selector matches nothing).</summary>
    public static bool Matches(JsonObject? selector, IReadOnlyDictionary<string, string> labels) =>
        LabelSelector.TryFromJson(selector, out var parsed, out _) && parsed.Matches(labels);

    /// <summary>ValidateLabelSelector: keys are qualified names, values label values, operators known.</summary>
    public static void Validate(JsonNode? selector, string path, Causes causes)
    {
        if (selector is null)
        {
            return;
        }

        if (selector is not JsonObject)
        {
            causes.Invalid(path, selector, "must be an object");
            return;
        }

        LabelRules.ValidateLabels(selector["matchLabels"], path + ".matchLabels", causes);
        foreach (var (i, expression) in JsonFields.Items(JsonFields.Arr(selector, "matchExpressions")))
        {
            var at = JsonFields.Index(path + ".matchExpressions", i);
            var op = JsonFields.Str(expression, "operator") ?? "";
            var values = JsonFields.Arr(expression, "values");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values is null || values.Count == 0)
                    {
                        causes.Required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values is { Count: > 0 })
                    {
                        causes.Forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }

                    break;
                default:
                    causes.Invalid(at + ".operator", op, "not a valid selector operator");
                    break;
            }

            causes.InvalidEach(at + ".key", JsonFields.Str(expression, "key") ?? "", NameRules.QualifiedName(JsonFields.Str(expression, "key") ?? ""));
            foreach (var value in (values ?? []).Select(JsonFields.AsString).OfType<string>())
            {
                causes.InvalidEach(at + ".values", value, NameRules.LabelValue(value));
            }
        }
    }
}

/// <summary>Validation of label and annotation maps nested in specs (pod templates, node selectors).</summary>
public static class LabelRules
{
    public static void ValidateLabels(JsonNode? labels, string path, Causes causes)
    {
        if (labels is not JsonObject map)
        {
            return;
        }

        foreach (var (key, value) in map)
        {
            causes.InvalidEach(path, key, NameRules.QualifiedName(key));
            var text = JsonFields.AsString(value);
            if (text is null)
            {
                causes.Invalid(path, value, "label values must be strings");
            }
            else
            {
                causes.InvalidEach(path, text, NameRules.LabelValue(text));
            }
        }
    }

    public static void ValidateAnnotationKeys(JsonNode? annotations, string path, Causes causes)
    {
        if (annotations is not JsonObject map)
        {
            return;
        }

        foreach (var (key, _) in map)
        {
            causes.InvalidEach(path, key.ToLowerInvariant(), NameRules.QualifiedName(key.ToLowerInvariant()));
        }
    }
}

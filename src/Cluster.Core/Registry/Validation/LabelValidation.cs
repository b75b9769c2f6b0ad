using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Validation;

/// <summary>
/// Validation of labels, annotations and label selectors held as JSON (apimachinery's
/// <c>apis/meta/v1/validation</c> and <c>api/validation</c>): wrong JSON types are causes too.
/// </summary>
public static class LabelValidation
{
    /// <summary>The most bytes all annotation keys and values of one object may hold together.</summary>
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;

    /// <summary>Label keys must be qualified names and values valid label values; absent or null is fine.</summary>
    public static IReadOnlyList<StatusCause> ValidateLabels(JsonNode? labels, string path)
    {
        var causes = new List<StatusCause>();
        foreach (var (key, value) in StringEntries(labels, path, causes))
        {
            causes.AddRange(ValidateLabelName(key, path));
            foreach (var message in NameValidation.IsValidLabelValue(value))
            {
                causes.Add(FieldErrors.Invalid(path, value, message));
            }
        }

        return causes;
    }

    public static IReadOnlyList<StatusCause> ValidateLabelName(string name, string path) =>
        NameValidation.IsQualifiedName(name).Select(m => FieldErrors.Invalid(path, name, m)).ToArray();

    /// <summary>Annotation keys are qualified names in any case; keys and values together at most 256 KiB.</summary>
    public static IReadOnlyList<StatusCause> ValidateAnnotations(JsonNode? annotations, string path)
    {
        var causes = new List<StatusCause>();
        long total = 0;
        foreach (var (key, value) in StringEntries(annotations, path, causes))
        {
            foreach (var message in NameValidation.IsQualifiedName(key.ToLowerInvariant()))
            {
                causes.Add(FieldErrors.Invalid(path, key, message));
            }

            total += NameValidation.ByteLength(key) + NameValidation.ByteLength(value);
        }

        if (total > TotalAnnotationSizeLimitBytes)
        {
            causes.Add(FieldErrors.TooLong(path, TotalAnnotationSizeLimitBytes));
        }

        return causes;
    }

    /// <summary>A metav1.LabelSelector (<c>spec.selector</c> of a Deployment, ReplicaSet, Job...); null is valid.</summary>
    public static IReadOnlyList<StatusCause> ValidateLabelSelector(JsonNode? selector, string path)
    {
        var causes = new List<StatusCause>();
        if (selector is null)
        {
            return causes;
        }

        if (selector is not JsonObject obj)
        {
            causes.Add(FieldErrors.TypeInvalid(path, selector, "must be of type object"));
            return causes;
        }

        causes.AddRange(ValidateLabels(obj["matchLabels"], path + ".matchLabels"));
        var expressions = obj["matchExpressions"];
        if (expressions is null)
        {
            return causes;
        }

        if (expressions is not JsonArray array)
        {
            causes.Add(FieldErrors.TypeInvalid(path + ".matchExpressions", expressions, "must be of type array"));
            return causes;
        }

        for (var i = 0; i < array.Count; i++)
        {
            causes.AddRange(ValidateRequirement(array[i], $"{path}.matchExpressions[{i}]"));
        }

        return causes;
    }

    private static List<StatusCause> ValidateRequirement(JsonNode? node, string path)
    {
        var causes = new List<StatusCause>();
        if (node is not JsonObject requirement)
        {
            causes.Add(FieldErrors.TypeInvalid(path, node, "must be of type object"));
            return causes;
        }

        var op = StringField(requirement, "operator", path, causes) ?? "";
        var values = requirement["values"];
        var count = values switch
        {
            null => 0,
            JsonArray a => a.Count,
            _ => -1,
        };
        if (count < 0)
        {
            causes.Add(FieldErrors.TypeInvalid(path + ".values", values, "must be of type array"));
        }
        else if (values is JsonArray a && a.Any(v => v is not JsonValue s || s.GetValueKind() != JsonValueKind.String))
        {
            causes.Add(FieldErrors.TypeInvalid(path + ".values", values, "must be an array of strings"));
        }

        switch (op)
        {
            case "In" or "NotIn":
                if (count == 0)
                {
                    causes.Add(FieldErrors.Required(path + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                }

                break;
            case "Exists" or "DoesNotExist":
                if (count > 0)
                {
                    causes.Add(FieldErrors.Forbidden(path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }

                break;
            default:
                causes.Add(FieldErrors.Invalid(path + ".operator", op, "not a valid selector operator"));
                break;
        }

        causes.AddRange(ValidateLabelName(StringField(requirement, "key", path, causes) ?? "", path + ".key"));
        return causes;
    }

    /// <summary>A string property, or null when absent; a non-string value is reported and read as absent.</summary>
    internal static string? StringField(JsonObject obj, string property, string parentPath, List<StatusCause> causes)
    {
        var node = obj[property];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        causes.Add(FieldErrors.TypeInvalid(parentPath + "." + property, node, "must be of type string"));
        return null;
    }

    /// <summary>The entries of a map of strings; a non-object map or a non-string value is reported and skipped.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> StringEntries(JsonNode? map, string path, List<StatusCause> causes)
    {
        if (map is null)
        {
            return [];
        }

        if (map is not JsonObject obj)
        {
            causes.Add(FieldErrors.TypeInvalid(path, map, "must be of type object"));
            return [];
        }

        var entries = new List<KeyValuePair<string, string>>(obj.Count);
        foreach (var (key, value) in obj)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var s))
            {
                entries.Add(new(key, s));
            }
            else
            {
                causes.Add(FieldErrors.TypeInvalid($"{path}[{key}]", value, "must be of type string"));
            }
        }

        return entries;
    }
}

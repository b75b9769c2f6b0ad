using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Upstream's validatePodFailurePolicy for a Job spec, with its limits and messages.</summary>
internal static class PodFailurePolicyRules
{
    private const int MaxRules = 20;
    private const int MaxExitCodes = 255;
    private const int MaxPatterns = 20;
    private static readonly string[] ContainerLists = ["containers", "initContainers"];

    public static void Validate(JsonObject spec, string path, Causes causes)
    {
        if (JsonFields.Obj(spec, "podFailurePolicy") is not { } policy)
        {
            return;
        }

        var podSpec = JsonFields.Obj(JsonFields.Obj(spec, "template"), "spec");
        if (JsonFields.Str(podSpec, "restartPolicy") is { } restart && restart != "Never")
        {
            causes.Invalid(path + ".template.spec.restartPolicy", restart, "only \"Never\" is supported when podFailurePolicy is specified");
        }

        var rulesPath = path + ".podFailurePolicy.rules";
        if (policy["rules"] is not JsonArray rules)
        {
            causes.Required(rulesPath);
            return;
        }

        if (rules.Count > MaxRules)
        {
            causes.Add(TooMany(rulesPath, rules.Count, MaxRules));
            return;
        }

        var containers = ContainerNames(podSpec);
        for (var i = 0; i < rules.Count; i++)
        {
            ValidateRule(rules[i] as JsonObject ?? [], $"{rulesPath}[{i}]", containers, causes);
        }
    }

    private static void ValidateRule(JsonObject rule, string path, HashSet<string> containers, Causes causes)
    {
        causes.OneOf(rule, "action", path + ".action", "Count", "FailIndex", "FailJob", "Ignore");
        var codes = JsonFields.Obj(rule, "onExitCodes");
        var patterns = rule["onPodConditions"] as JsonArray;
        if (codes is not null && patterns is not null)
        {
            causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: \"object\": specifying both OnExitCodes and OnPodConditions is not supported", path));
        }
        else if (codes is null && patterns is null)
        {
            causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: \"object\": specifying one of OnExitCodes and OnPodConditions is required", path));
        }

        if (codes is not null)
        {
            ValidateExitCodes(codes, path + ".onExitCodes", containers, causes);
        }

        if (patterns is not null)
        {
            ValidatePatterns(patterns, path + ".onPodConditions", causes);
        }
    }

    private static void ValidateExitCodes(JsonObject codes, string path, HashSet<string> containers, Causes causes)
    {
        if (JsonFields.Str(codes, "containerName") is { } container && !containers.Contains(container))
        {
            causes.Invalid(path + ".containerName", container, "must be one of the container or initContainer names in the pod template");
        }

        causes.OneOf(codes, "operator", path + ".operator", "In", "NotIn");
        var valuesPath = path + ".values";
        if (codes["values"] is not JsonArray values || values.Count == 0)
        {
            causes.Required(valuesPath, "at least one value is required");
            return;
        }

        if (values.Count > MaxExitCodes)
        {
            causes.Add(TooMany(valuesPath, values.Count, MaxExitCodes));
            return;
        }

        var operatorIn = JsonFields.Str(codes, "operator") == "In";
        long? previous = null;
        for (var i = 0; i < values.Count; i++)
        {
            var itemPath = $"{valuesPath}[{i}]";
            if (values[i] is not JsonValue v || !v.TryGetValue<long>(out var value))
            {
                causes.Invalid(itemPath, values[i], "must be an integer");
                continue;
            }

            if (operatorIn && value == 0)
            {
                causes.Invalid(itemPath, value, "must not be 0 for the In operator");
            }

            if (previous == value)
            {
                causes.Duplicate(itemPath, value.ToString(CultureInfo.InvariantCulture));
            }
            else if (previous > value)
            {
                causes.Invalid(itemPath, value, "must be ordered");
            }

            previous = value;
        }
    }

    private static void ValidatePatterns(JsonArray patterns, string path, Causes causes)
    {
        if (patterns.Count > MaxPatterns)
        {
            causes.Add(TooMany(path, patterns.Count, MaxPatterns));
            return;
        }

        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i] as JsonObject ?? [];
            if (JsonFields.Str(pattern, "type") is not { Length: > 0 })
            {
                causes.Required($"{path}[{i}].type");
            }

            causes.OptionalOneOf(pattern, "status", $"{path}[{i}].status", "False", "True", "Unknown");
        }
    }

    private static HashSet<string> ContainerNames(JsonObject? podSpec) =>
        [.. ContainerLists
            .SelectMany(list => podSpec?[list] as JsonArray ?? [])
            .Select(c => JsonFields.Str(c, "name"))
            .OfType<string>()];

    private static StatusCause TooMany(string path, int actual, int max) =>
        new("FieldValueTooMany", $"Too many: {actual}: must have at most {max} items", path);
}

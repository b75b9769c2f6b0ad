using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Conversion;

/// <summary>
/// One metric between its autoscaling/v2 shape (a metric identifier and a target or current value with a type)
/// and the flat autoscaling/v1 shape the annotations hold (metricName, targetAverageValue, currentValue, ...).
/// v1's non-pointer quantities are written even at zero, as Go does.
/// </summary>
internal sealed partial class HorizontalPodAutoscalerV1Conversion
{
    private static readonly string[] Sources = ["object", "pods", "resource", "containerResource", "external"];

    private static JsonObject MetricSpecToV1(JsonObject metric) => Convert(metric, (field, source) =>
    {
        var target = JsonFields.Obj(source, "target") ?? [];
        var metricId = JsonFields.Obj(source, "metric");
        return field switch
        {
            "resource" or "containerResource" => Build(
                ("name", source["name"]),
                ("targetAverageUtilization", target["averageUtilization"]),
                ("targetAverageValue", target["averageValue"]),
                ("container", field == "containerResource" ? source["container"] ?? "" : null)),
            "pods" => Build(("metricName", Name(metricId)), ("targetAverageValue", target["averageValue"] ?? "0"), ("selector", metricId?["selector"])),
            "object" => Build(
                ("target", source["describedObject"] ?? new JsonObject()),
                ("metricName", Name(metricId)),
                ("targetValue", target["value"] ?? "0"),
                ("selector", metricId?["selector"]),
                ("averageValue", target["averageValue"])),
            _ => Build(("metricName", Name(metricId)), ("metricSelector", metricId?["selector"]), ("targetValue", target["value"]), ("targetAverageValue", target["averageValue"])),
        };
    });

    private static JsonObject MetricSpecToV2(JsonObject metric) => Convert(metric, (field, source) => field switch
    {
        "resource" or "containerResource" => Build(
            ("name", source["name"]),
            ("target", Target(source["targetAverageUtilization"] is null ? "AverageValue" : "Utilization", null, source["targetAverageValue"], source["targetAverageUtilization"])),
            ("container", field == "containerResource" ? source["container"] : null)),
        "pods" => Build(("metric", Identifier(source, "selector")), ("target", Target("AverageValue", null, source["targetAverageValue"], null))),
        "object" => Build(
            ("describedObject", source["target"]),
            ("target", Target(source["averageValue"] is null ? "Value" : "AverageValue", source["targetValue"], source["averageValue"], null)),
            ("metric", Identifier(source, "selector"))),
        _ => Build(
            ("metric", Identifier(source, "metricSelector")),
            ("target", Target(source["targetValue"] is null ? "AverageValue" : "Value", source["targetValue"], source["targetAverageValue"], null))),
    });

    private static JsonObject MetricStatusToV1(JsonObject metric) => Convert(metric, (field, source) =>
    {
        var current = JsonFields.Obj(source, "current") ?? [];
        var metricId = JsonFields.Obj(source, "metric");
        return field switch
        {
            "resource" or "containerResource" => Build(
                ("name", source["name"]),
                ("currentAverageUtilization", current["averageUtilization"]),
                ("currentAverageValue", current["averageValue"] ?? "0"),
                ("container", field == "containerResource" ? source["container"] ?? "" : null)),
            "pods" => Build(("metricName", Name(metricId)), ("currentAverageValue", current["averageValue"] ?? "0"), ("selector", metricId?["selector"])),
            "object" => Build(
                ("target", source["describedObject"] ?? new JsonObject()),
                ("metricName", Name(metricId)),
                ("currentValue", current["value"] ?? "0"),
                ("selector", metricId?["selector"]),
                ("averageValue", current["averageValue"])),
            _ => Build(("metricName", Name(metricId)), ("metricSelector", metricId?["selector"]), ("currentValue", current["value"] ?? "0"), ("currentAverageValue", current["averageValue"])),
        };
    });

    private static JsonObject MetricStatusToV2(JsonObject metric) => Convert(metric, (field, source) => field switch
    {
        "resource" or "containerResource" => Build(
            ("name", source["name"]),
            ("current", Build(("averageValue", source["currentAverageValue"]), ("averageUtilization", source["currentAverageUtilization"]))),
            ("container", field == "containerResource" ? source["container"] : null)),
        "pods" => Build(("metric", Identifier(source, "selector")), ("current", Build(("averageValue", source["currentAverageValue"])))),
        "object" => Build(
            ("metric", Identifier(source, "selector")),
            ("current", Build(("value", source["currentValue"]), ("averageValue", source["averageValue"]))),
            ("describedObject", source["target"])),
        _ => Build(("metric", Identifier(source, "metricSelector")), ("current", Build(("value", source["currentValue"]), ("averageValue", source["currentAverageValue"])))),
    });

    /// <summary>The metric with its type kept and its one source converted (a source of an unknown kind is copied as it is).</summary>
    private static JsonObject Convert(JsonObject metric, Func<string, JsonObject, JsonObject> source)
    {
        var converted = new JsonObject();
        foreach (var (key, value) in metric)
        {
            converted[key] = Sources.Contains(key, StringComparer.Ordinal) && value is JsonObject o ? source(key, o) : value?.DeepClone();
        }

        return converted;
    }

    private static JsonNode? Name(JsonObject? metricId) => metricId?["name"] ?? "";

    private static JsonObject Identifier(JsonObject source, string selectorKey) => Build(("name", source["metricName"] ?? ""), ("selector", source[selectorKey]));

    private static JsonObject Target(string type, JsonNode? value, JsonNode? averageValue, JsonNode? averageUtilization) =>
        Build(("type", type), ("value", value), ("averageValue", averageValue), ("averageUtilization", averageUtilization));

    /// <summary>An object of the given fields, leaving out the absent ones; values are copied.</summary>
    private static JsonObject Build(params (string Key, JsonNode? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (key, value) in fields)
        {
            if (value is not null)
            {
                o[key] = value.Parent is null ? value : value.DeepClone();
            }
        }

        return o;
    }
}

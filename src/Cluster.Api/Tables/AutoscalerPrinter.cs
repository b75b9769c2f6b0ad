using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>
/// The HorizontalPodAutoscaler row of printHorizontalPodAutoscaler: the scale target as Kind/name, each metric as
/// current/target (formatHPAMetrics: the first two, then "+ N more..."), <c>&lt;unset&gt;</c> without minReplicas.
/// </summary>
internal static class AutoscalerPrinter
{
    private const string Unknown = "<unknown>";

    public static ITableConverter Converter { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Reference", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
            Columns.Str("Targets", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
            Columns.Str("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
            Columns.Str("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
            Columns.Str("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            Columns.Age,
        ],
        (obj, now) =>
        [
            Name(obj),
            Str(obj, "spec", "scaleTargetRef", "kind") + "/" + Str(obj, "spec", "scaleTargetRef", "name"),
            Metrics([.. Objects(obj, "spec", "metrics")], [.. Objects(obj, "status", "currentMetrics")]),
            IntOrNull(obj, "spec", "minReplicas") is { } min ? min.ToString(CultureInfo.InvariantCulture) : "<unset>",
            Int(obj, "spec", "maxReplicas"),
            Int(obj, "status", "currentReplicas"),
            Age(obj, now),
        ]);

    private static string Metrics(JsonObject[] specs, JsonObject[] statuses)
    {
        if (specs.Length == 0)
        {
            return "<none>";
        }

        const int Shown = 2;
        var cells = specs.Select((spec, i) => Metric(spec, i < statuses.Length ? statuses[i] : null)).ToArray();
        var text = string.Join(", ", cells.Take(Shown));
        return cells.Length > Shown ? text + " + " + (cells.Length - Shown).ToString(CultureInfo.InvariantCulture) + " more..." : text;
    }

    /// <summary>One metric: the status at the same index gives the current value (status entries follow the spec's order).</summary>
    private static string Metric(JsonObject spec, JsonObject? status)
    {
        var type = Str(spec, "type");
        var field = type.Length == 0 ? "" : char.ToLowerInvariant(type[0]) + type[1..];
        var target = Obj(spec, field, "target");
        var current = Obj(status, field, "current");
        switch (type)
        {
            case "External" or "Object":
                return At(target, "averageValue") is not null
                    ? Value(current, "averageValue") + "/" + Value(target, "averageValue") + " (avg)"
                    : Value(current, "value") + "/" + Value(target, "value");
            case "Pods":
                return Value(current, "averageValue") + "/" + Value(target, "averageValue");
            case "Resource" or "ContainerResource":
                var name = Str(spec, field, "name");
                if (At(target, "averageValue") is not null)
                {
                    return name + ": " + Value(current, "averageValue") + "/" + Value(target, "averageValue");
                }

                var now = IntOrNull(current, "averageUtilization") is { } u ? Percent(u) : Unknown;
                var goal = IntOrNull(target, "averageUtilization") is { } g ? Percent(g) : "<auto>";
                return name + ": " + now + "/" + goal;
            default:
                return "<unknown type>";
        }
    }

    private static string Percent(long value) => value.ToString(CultureInfo.InvariantCulture) + "%";

    /// <summary>A quantity as Go's Quantity.String prints it; <c>&lt;unknown&gt;</c> without a value.</summary>
    private static string Value(JsonObject? parent, string key) =>
        At(parent, key) is not { } node ? Unknown
        : Quantity.TryRead(node, out var quantity, out _) ? quantity.ToString()
        : Str(parent, key);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Conversion;

/// <summary>
/// autoscaling/v1 HorizontalPodAutoscalers over the stored autoscaling/v2 ones (upstream pkg/apis/autoscaling/v1
/// conversion): v1 has one metric, targetCPUUtilizationPercentage, so every other metric, the current metrics, the
/// conditions and the behavior ride in annotations as v1-shaped JSON, and a v1 client that reads, changes and writes
/// an object back loses none of them. A v1 object without a CPU target and without other metrics means 80% CPU.
/// </summary>
internal sealed partial class HorizontalPodAutoscalerV1Conversion : VersionConverter
{
    public const string MetricSpecsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
    public const string MetricStatusesAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
    public const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
    public const string BehaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";

    private static readonly string[] RoundTripAnnotations = [MetricSpecsAnnotation, MetricStatusesAnnotation, ConditionsAnnotation, BehaviorAnnotation];

    public static HorizontalPodAutoscalerV1Conversion Instance { get; } = new();

    public override ResourceKind Served => BuiltInKinds.HorizontalPodAutoscalerV1;

    public override JsonObject ToServed(JsonObject stored)
    {
        var served = CopyExcept(stored, Served, "spec", "status");
        var spec = JsonFields.Obj(stored, "spec") ?? [];
        var status = JsonFields.Obj(stored, "status");
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);

        var v1Spec = new JsonObject();
        CopyField(spec, v1Spec, "scaleTargetRef");
        CopyField(spec, v1Spec, "minReplicas");
        v1Spec["maxReplicas"] = JsonFields.Int(spec, "maxReplicas") ?? 0;
        var metrics = JsonFields.Arr(spec, "metrics")?.OfType<JsonObject>().ToArray() ?? [];
        if (metrics.FirstOrDefault(IsCpu) is { } cpu && Target(cpu)?["averageUtilization"] is { } utilization)
        {
            v1Spec["targetCPUUtilizationPercentage"] = utilization.DeepClone();
        }

        var others = metrics.Where(m => !(IsCpu(m) && Target(m)?["averageUtilization"] is not null)).Select(MetricSpecToV1).ToArray();
        if (others.Length > 0)
        {
            annotations[MetricSpecsAnnotation] = Serialize(new JsonArray(others));
        }

        if (JsonFields.Obj(spec, "behavior") is { } behavior)
        {
            annotations[BehaviorAnnotation] = Serialize(behavior.DeepClone());
        }

        served["spec"] = v1Spec;
        if (status is not null)
        {
            served["status"] = StatusToV1(status, annotations);
        }

        // As upstream's DropRoundTripHorizontalPodAutoscalerAnnotations: only what this conversion wrote rides in them.
        var metadata = ObjectMeta.Metadata(served);
        if (metadata["annotations"] is JsonObject existing)
        {
            foreach (var key in RoundTripAnnotations)
            {
                existing.Remove(key);
            }

            if (existing.Count == 0)
            {
                metadata.Remove("annotations");
            }
        }

        if (annotations.Count > 0)
        {
            var merged = metadata["annotations"] as JsonObject ?? [];
            foreach (var (key, value) in annotations)
            {
                merged[key] = value;
            }

            metadata["annotations"] = merged;
        }

        return served;
    }

    public override JsonObject ToStored(JsonObject served)
    {
        var stored = CopyExcept(served, Stored, "spec", "status");
        var spec = JsonFields.Obj(served, "spec") ?? [];
        var metadata = ObjectMeta.Metadata(stored);
        var annotations = metadata["annotations"] as JsonObject;
        string? Take(string key)
        {
            var value = JsonFields.Str(annotations, key);
            annotations?.Remove(key);
            return value;
        }

        var v2Spec = new JsonObject();
        CopyField(spec, v2Spec, "scaleTargetRef");
        CopyField(spec, v2Spec, "minReplicas");
        CopyField(spec, v2Spec, "maxReplicas");
        var metrics = new JsonArray();
        foreach (var metric in ParseArray(Take(MetricSpecsAnnotation), MetricSpecsAnnotation))
        {
            metrics.Add(MetricSpecToV2(metric));
        }

        if (JsonFields.Int(spec, "targetCPUUtilizationPercentage") is { } cpu)
        {
            metrics.Add(HorizontalPodAutoscalerStrategy.CpuUtilizationMetric(cpu));
        }

        // As upstream: v1's implicit default becomes explicit, with the full set of metrics at hand.
        v2Spec["metrics"] = metrics.Count > 0 ? metrics : new JsonArray(HorizontalPodAutoscalerStrategy.CpuUtilizationMetric(HorizontalPodAutoscalerStrategy.DefaultCpuUtilization));
        if (Take(BehaviorAnnotation) is { } behavior)
        {
            v2Spec["behavior"] = Parse(behavior, BehaviorAnnotation);
        }

        stored["spec"] = v2Spec;
        var statusMetrics = Take(MetricStatusesAnnotation);
        var conditions = Take(ConditionsAnnotation);
        if (JsonFields.Obj(served, "status") is { } status)
        {
            stored["status"] = StatusToV2(status, statusMetrics, conditions);
        }

        if (annotations is { Count: 0 })
        {
            metadata.Remove("annotations");
        }

        return stored;
    }

    private static JsonObject StatusToV1(JsonObject status, Dictionary<string, string> annotations)
    {
        var v1 = new JsonObject();
        CopyField(status, v1, "observedGeneration");
        CopyField(status, v1, "lastScaleTime");
        v1["currentReplicas"] = JsonFields.Int(status, "currentReplicas") ?? 0;
        v1["desiredReplicas"] = JsonFields.Int(status, "desiredReplicas") ?? 0;
        var current = JsonFields.Arr(status, "currentMetrics")?.OfType<JsonObject>().ToArray() ?? [];
        foreach (var metric in current.Where(IsCpu))
        {
            if (JsonFields.Obj(JsonFields.Obj(metric, "resource"), "current")?["averageUtilization"] is { } utilization)
            {
                v1["currentCPUUtilizationPercentage"] = utilization.DeepClone();
            }
        }

        if (current.Length > 0)
        {
            annotations[MetricStatusesAnnotation] = Serialize(new JsonArray(current.Select(MetricStatusToV1).ToArray()));
        }

        if (JsonFields.Arr(status, "conditions") is { Count: > 0 } conditions)
        {
            annotations[ConditionsAnnotation] = Serialize(conditions.DeepClone());
        }

        return v1;
    }

    private static JsonObject StatusToV2(JsonObject status, string? metricsAnnotation, string? conditionsAnnotation)
    {
        var v2 = new JsonObject();
        CopyField(status, v2, "observedGeneration");
        CopyField(status, v2, "lastScaleTime");
        CopyField(status, v2, "currentReplicas");
        v2["desiredReplicas"] = JsonFields.Int(status, "desiredReplicas") ?? 0;
        if (metricsAnnotation is not null)
        {
            // The annotation has more than currentCPUUtilizationPercentage can say.
            v2["currentMetrics"] = new JsonArray(ParseArray(metricsAnnotation, MetricStatusesAnnotation).Select(MetricStatusToV2).ToArray());
        }
        else if (JsonFields.Int(status, "currentCPUUtilizationPercentage") is { } cpu)
        {
            v2["currentMetrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject { ["name"] = "cpu", ["current"] = new JsonObject { ["averageUtilization"] = cpu } },
            });
        }

        if (conditionsAnnotation is not null)
        {
            v2["conditions"] = new JsonArray(ParseArray(conditionsAnnotation, ConditionsAnnotation).Select(c => (JsonNode)c).ToArray());
        }

        return v2;
    }

    private static bool IsCpu(JsonObject metric) =>
        JsonFields.Str(metric, "type") == "Resource" && JsonFields.Str(JsonFields.Obj(metric, "resource"), "name") == "cpu";

    private static JsonObject? Target(JsonObject metric) => JsonFields.Obj(JsonFields.Obj(metric, "resource"), "target");

    private static void CopyField(JsonObject from, JsonObject to, string key)
    {
        if (from[key] is { } value)
        {
            to[key] = value.DeepClone();
        }
    }

    private static string Serialize(JsonNode node) => node.ToJsonString();

    private static JsonNode Parse(string text, string annotation)
    {
        try
        {
            return JsonNode.Parse(text) ?? throw Unreadable(annotation);
        }
        catch (JsonException)
        {
            throw Unreadable(annotation);
        }
    }

    private static JsonObject[] ParseArray(string? text, string annotation) =>
        text is null ? [] : Parse(text, annotation) is JsonArray array ? array.OfType<JsonObject>().Select(o => (JsonObject)o.DeepClone()).ToArray() : throw Unreadable(annotation);

    private static ApiException Unreadable(string annotation) =>
        ApiException.BadRequest($"the annotation {annotation} must hold the JSON autoscaling/v1 writes there");
}

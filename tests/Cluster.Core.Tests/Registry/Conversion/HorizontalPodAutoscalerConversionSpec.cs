using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Conversion;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Conversion;

public sealed class HorizontalPodAutoscalerConversionSpec
{
    private const string Metrics = "autoscaling.alpha.kubernetes.io/metrics";
    private const string CurrentMetrics = "autoscaling.alpha.kubernetes.io/current-metrics";
    private const string Conditions = "autoscaling.alpha.kubernetes.io/conditions";
    private const string Behavior = "autoscaling.alpha.kubernetes.io/behavior";

    private static readonly VersionConverter V1 = VersionConverter.For(BuiltInKinds.HorizontalPodAutoscalerV1)!;

    /// <summary>A stored autoscaling/v2 object with what v1 cannot say directly: more metrics, a behavior, current metrics and conditions.</summary>
    private const string Rich = """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
         "metadata":{"name":"web","namespace":"default","annotations":{"team":"a"}},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":9,
           "metrics":[
             {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},
             {"type":"External","external":{"metric":{"name":"queue","selector":{"matchLabels":{"q":"jobs"}}},"target":{"type":"Value","value":"30"}}},
             {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}],
           "behavior":{"scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Max","policies":[{"type":"Percent","value":50,"periodSeconds":30}]}}},
         "status":{"currentReplicas":3,"desiredReplicas":4,
           "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"120m","averageUtilization":55}}}],
           "conditions":[{"type":"AbleToScale","status":"True","reason":"ReadyForNewScale"}]}}
        """;

    private static JsonNode? Annotation(JsonObject obj, string key) =>
        obj["metadata"]?["annotations"]?[key] is JsonValue v ? JsonNode.Parse(v.GetValue<string>()) : null;

    [Fact]
    public void ToServed_RichV2Object_CpuTargetInTheSpecAndTheRestInV1ShapedAnnotations()
    {
        var v1 = V1.ToServed(Json(Rich));

        Assert.Equal("autoscaling/v1", Str(v1, "apiVersion"));
        Assert.Equal("60", Str(v1, "spec.targetCPUUtilizationPercentage"));
        Assert.Equal("9", Str(v1, "spec.maxReplicas"));
        Assert.Null(At(v1, "spec.metrics"));
        Assert.Equal("55", Str(v1, "status.currentCPUUtilizationPercentage"));
        Assert.Equal("3", Str(v1, "status.currentReplicas"));
        Assert.Equal("a", Str(v1, "metadata.annotations.team"));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                [{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}},
                 {"type":"External","external":{"metricName":"queue","metricSelector":{"matchLabels":{"q":"jobs"}},"targetValue":"30"}}]
                """),
            Annotation(v1, Metrics)), Annotation(v1, Metrics)?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":55,"currentAverageValue":"120m"}}]"""),
            Annotation(v1, CurrentMetrics)), Annotation(v1, CurrentMetrics)?.ToJsonString());
        Assert.Equal("AbleToScale", Str(Annotation(v1, Conditions), "0.type"));
        Assert.Equal("60", Str(Annotation(v1, Behavior), "scaleDown.stabilizationWindowSeconds"));
    }

    [Fact]
    public void RoundTrip_RichV2ThroughV1_LosesNothing()
    {
        var stored = Json(Rich);

        var back = V1.ToStored(V1.ToServed(stored));

        // v1 lists the CPU target after the other metrics, as upstream's conversion does.
        Assert.True(JsonNode.DeepEquals(stored, back), back.ToJsonString());
    }

    [Fact]
    public void ToStored_V1WithoutCpuTarget_MeansEightyPercentCpu()
    {
        var stored = V1.ToStored(Json("""{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"w"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3}}"""));

        Assert.Equal("autoscaling/v2", Str(stored, "apiVersion"));
        Assert.Equal("Resource", Str(stored, "spec.metrics.0.type"));
        Assert.Equal("cpu", Str(stored, "spec.metrics.0.resource.name"));
        Assert.Equal("Utilization", Str(stored, "spec.metrics.0.resource.target.type"));
        Assert.Equal("80", Str(stored, "spec.metrics.0.resource.target.averageUtilization"));
        Assert.Null(At(stored, "metadata.annotations"));
    }

    [Fact]
    public void ToStored_V1Status_CurrentCpuBecomesAResourceMetric()
    {
        var stored = V1.ToStored(Json("""{"metadata":{"name":"w"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3,"targetCPUUtilizationPercentage":50},"status":{"currentReplicas":1,"desiredReplicas":2,"currentCPUUtilizationPercentage":40}}"""));

        Assert.Equal("50", Str(stored, "spec.metrics.0.resource.target.averageUtilization"));
        Assert.Single(stored["spec"]!["metrics"]!.AsArray());
        Assert.Equal("40", Str(stored, "status.currentMetrics.0.resource.current.averageUtilization"));
        Assert.Equal("2", Str(stored, "status.desiredReplicas"));
    }

    [Fact]
    public void ToServed_StoredObjectCarryingRoundTripAnnotations_OnlyTheConversionsOwnRemain()
    {
        var stored = Json("""{"metadata":{"name":"w","annotations":{"autoscaling.alpha.kubernetes.io/metrics":"[{\"type\":\"Pods\"}]"}},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]}}""");

        var v1 = V1.ToServed(stored);

        Assert.Null(At(v1, "metadata.annotations"));
        Assert.Equal("70", Str(v1, "spec.targetCPUUtilizationPercentage"));
    }

    [Fact]
    public void ToStored_MetricsAnnotationThatIsNotJson_IsBadRequest()
    {
        var served = Json("""{"metadata":{"name":"w","annotations":{"autoscaling.alpha.kubernetes.io/metrics":"not json"}},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3}}""");

        var e = Assert.Throws<ApiException>(() => V1.ToStored(served));

        Assert.Equal(400, e.Code);
        Assert.Contains(Metrics, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_ObjectAndContainerResourceMetrics_KeepTheirTargetsAndValues()
    {
        var stored = Json("""
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"w"},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3,"metrics":[
               {"type":"Object","object":{"describedObject":{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main"},"metric":{"name":"rps"},"target":{"type":"AverageValue","value":"0","averageValue":"2k"}}},
               {"type":"ContainerResource","containerResource":{"name":"memory","container":"app","target":{"type":"AverageValue","averageValue":"200Mi"}}}]},
             "status":{"desiredReplicas":1,"currentMetrics":[
               {"type":"Object","object":{"metric":{"name":"rps"},"current":{"value":"5","averageValue":"1500"},"describedObject":{"kind":"Ingress","name":"main"}}}]}}
            """);

        var v1 = V1.ToServed(stored);
        var back = V1.ToStored(v1);

        Assert.Null(At(v1, "spec.targetCPUUtilizationPercentage"));
        Assert.Equal("Ingress", Str(Annotation(v1, Metrics), "0.object.target.kind"));
        Assert.Equal("app", Str(Annotation(v1, Metrics), "1.containerResource.container"));
        Assert.True(JsonNode.DeepEquals(stored["spec"], back["spec"]), back["spec"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(stored["status"]!["currentMetrics"], back["status"]!["currentMetrics"]), back["status"]!.ToJsonString());
    }
}

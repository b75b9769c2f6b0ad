using Cluster.Core.Registry;
using static Cluster.Api.Tests.Tables.TableFixtures;

namespace Cluster.Api.Tests.Tables;

public sealed class AutoscalerPrinterTests
{
    [Fact]
    public void HorizontalPodAutoscaler_CurrentValuesFromTheStatusAtTheSameIndex()
    {
        var json = $$$$"""
            {"metadata":{"name":"web","creationTimestamp":"{{{{Ago(TimeSpan.FromMinutes(5))}}}}"},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":10,"metrics":[
               {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
               {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"512Mi"}}}]},
             "status":{"currentReplicas":3,"desiredReplicas":3,"currentMetrics":[
               {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":41,"averageValue":"205m"}}},
               {"type":"Resource","resource":{"name":"memory","current":{"averageValue":"300Mi"}}}]}}
            """;

        Assert.Equal(["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"], Headers(BuiltInKinds.HorizontalPodAutoscaler));
        Assert.Equal(["web", "Deployment/web", "cpu: 41%/80%, memory: 300Mi/512Mi", "2", 10L, 3L, "5m"], Cells(BuiltInKinds.HorizontalPodAutoscaler, json));
    }

    [Fact]
    public void HorizontalPodAutoscaler_MoreThanTwoMetricsWithoutStatus_UnknownCurrentAndACount()
    {
        var json = """
            {"metadata":{"name":"q"},"spec":{"scaleTargetRef":{"kind":"StatefulSet","name":"q"},"maxReplicas":4,"metrics":[
               {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"30"}}},
               {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main"},"metric":{"name":"rps"},"target":{"type":"Value","value":"2k"}}},
               {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}}]}}
            """;

        Assert.Equal(["q", "StatefulSet/q", "<unknown>/30 (avg), <unknown>/2k + 1 more...", "<unset>", 4L, 0L], NarrowCells(BuiltInKinds.HorizontalPodAutoscaler, json)[..6]);
    }

    [Fact]
    public void HorizontalPodAutoscalerV1_PrintedAsTheStoredVersion() =>
        Assert.Equal(
            ["web", "Deployment/web", "cpu: <unknown>/70%", "1", 5L, 0L],
            NarrowCells(BuiltInKinds.HorizontalPodAutoscalerV1, """{"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,"targetCPUUtilizationPercentage":70}}""")[..6]);
}

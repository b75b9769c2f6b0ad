using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class AutoscalingStrategySpec
{
    private static readonly IResourceStrategy Hpa = StrategyCatalog.For(BuiltInKinds.HorizontalPodAutoscaler);

    [Fact]
    public void PrepareForCreate_BareAutoscaler_MinReplicasOneEightyPercentCpuAndAnEmptyStatus()
    {
        var hpa = Json("""{"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":4},"status":{"desiredReplicas":9}}""");

        Hpa.PrepareForCreate(hpa);

        Assert.Equal("1", Str(hpa, "spec.minReplicas"));
        Assert.Equal("cpu", Str(hpa, "spec.metrics.0.resource.name"));
        Assert.Equal("80", Str(hpa, "spec.metrics.0.resource.target.averageUtilization"));
        Assert.Equal("0", Str(hpa, "status.desiredReplicas"));
        NoCauses(Hpa.Validate(hpa));
    }

    [Fact]
    public void PrepareForCreate_PartialBehavior_FilledWithTheDefaultRules()
    {
        var hpa = Json("""{"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":4,"behavior":{"scaleDown":{"stabilizationWindowSeconds":30}}}}""");

        Hpa.PrepareForCreate(hpa);

        Assert.Equal("0", Str(hpa, "spec.behavior.scaleUp.stabilizationWindowSeconds"));
        Assert.Equal("Pods", Str(hpa, "spec.behavior.scaleUp.policies.0.type"));
        Assert.Equal("4", Str(hpa, "spec.behavior.scaleUp.policies.0.value"));
        Assert.Equal("Percent", Str(hpa, "spec.behavior.scaleUp.policies.1.type"));
        Assert.Equal("30", Str(hpa, "spec.behavior.scaleDown.stabilizationWindowSeconds"));
        Assert.Equal("Max", Str(hpa, "spec.behavior.scaleDown.selectPolicy"));
        Assert.Equal("15", Str(hpa, "spec.behavior.scaleDown.policies.0.periodSeconds"));
        NoCauses(Hpa.Validate(hpa));
    }

    [Fact]
    public void Validate_ReplicaBoundsAndTarget_UpstreamMessages()
    {
        var causes = Hpa.Validate(Json("""{"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"name":"w/x"},"minReplicas":0,"maxReplicas":0}}"""));

        HasCause(causes, "spec.minReplicas", "must be greater than or equal to 1");
        HasCause(causes, "spec.maxReplicas", "must be greater than 0");
        HasCause(causes, "spec.scaleTargetRef.kind", "Required value");
        HasCause(causes, "spec.scaleTargetRef.name", "may not contain '/'");
    }

    [Fact]
    public void Validate_MaxBelowMin_MustBeAtLeastMinReplicas()
    {
        var causes = Hpa.Validate(Json("""{"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"minReplicas":5,"maxReplicas":3}}"""));

        HasCause(causes, "spec.maxReplicas", "must be greater than or equal to `minReplicas`");
    }

    [Fact]
    public void Validate_Metrics_TypeSourceAndTargetRules()
    {
        var causes = Hpa.Validate(Json("""
            {"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3,"metrics":[
              {"type":"Resource","pods":{"metric":{"name":"q"},"target":{"type":"AverageValue","averageValue":"1"}},"resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
              {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization"}}},
              {"type":"Pods","pods":{"metric":{"name":"q"},"target":{"type":"Average","averageValue":"-1"}}},
              {"type":"Bogus"},
              {"type":"External"}]}}
            """));

        HasCause(causes, "spec.metrics[0].pods", "must populate the given metric source only");
        HasCause(causes, "spec.metrics[1].resource.target.averageUtilization", "must set either a target raw value or a target utilization");
        HasCause(causes, "spec.metrics[2].pods.target.type", "must be either Utilization, Value, or AverageValue");
        HasCause(causes, "spec.metrics[2].pods.target.averageValue", "must be positive");
        HasCause(causes, "spec.metrics[3].type", "Unsupported value: \"Bogus\"");
        HasCause(causes, "spec.metrics[4].external", "must populate information for the given metric source");
        NoCauseOn(causes, "spec.metrics[0].resource");
    }

    [Fact]
    public void Validate_BehaviorPolicies_BoundsAndAtLeastOne()
    {
        var causes = Hpa.Validate(Json("""
            {"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3,
             "behavior":{"scaleUp":{"stabilizationWindowSeconds":4000,"selectPolicy":"Most","policies":[{"type":"Pods","value":0,"periodSeconds":1801}]},"scaleDown":{"policies":[]}}}}
            """));

        HasCause(causes, "spec.behavior.scaleUp.stabilizationWindowSeconds", "must be less than or equal to 3600");
        HasCause(causes, "spec.behavior.scaleUp.selectPolicy", "Unsupported value: \"Most\"");
        HasCause(causes, "spec.behavior.scaleUp.policies[0].value", "must be greater than zero");
        HasCause(causes, "spec.behavior.scaleUp.policies[0].periodSeconds", "must be less than or equal to 1800");
        HasCause(causes, "spec.behavior.scaleDown.policies", "must specify at least one Policy");
    }

    [Fact]
    public void PrepareForUpdate_StatusInTheBody_KeepsTheStoredStatus()
    {
        var old = Json("""{"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3},"status":{"desiredReplicas":2}}""");
        var updated = Json("""{"metadata":{"name":"w","namespace":"a"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":5},"status":{"desiredReplicas":7}}""");

        Hpa.PrepareForUpdate(updated, old);

        Assert.Equal("2", Str(updated, "status.desiredReplicas"));
        Assert.Equal("5", Str(updated, "spec.maxReplicas"));
    }
}

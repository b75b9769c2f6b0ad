using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class WorkloadStrategySpec
{
    private const string Template = """{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}""";

    private static JsonObject Workload(ResourceKind kind, string spec = "") =>
        Json("""{"apiVersion":"@AV","kind":"@K","metadata":{"name":"web","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":@T@SPEC}}""".Replace("@AV", kind.ApiVersion, StringComparison.Ordinal).Replace("@K", kind.Kind, StringComparison.Ordinal).Replace("@T", Template, StringComparison.Ordinal).Replace("@SPEC", spec, StringComparison.Ordinal));

    private static (IResourceStrategy Strategy, JsonObject Obj) Created(ResourceKind kind, string spec = "")
    {
        var strategy = StrategyCatalog.For(kind);
        var obj = Workload(kind, spec);
        strategy.PrepareForCreate(obj);
        return (strategy, obj);
    }

    [Fact]
    public void PrepareForCreate_Deployment_FillsDefaultsAndTemplate()
    {
        var (_, d) = Created(BuiltInKinds.Deployment);
        Assert.Equal("1", Str(d, "spec.replicas"));
        Assert.Equal("RollingUpdate", Str(d, "spec.strategy.type"));
        Assert.Equal("25%", Str(d, "spec.strategy.rollingUpdate.maxUnavailable"));
        Assert.Equal("25%", Str(d, "spec.strategy.rollingUpdate.maxSurge"));
        Assert.Equal("10", Str(d, "spec.revisionHistoryLimit"));
        Assert.Equal("600", Str(d, "spec.progressDeadlineSeconds"));
        Assert.Equal("Always", Str(d, "spec.template.spec.restartPolicy"));
        Assert.Equal("IfNotPresent", Str(d, "spec.template.spec.containers.0.imagePullPolicy"));
        Assert.Null(At(d, "spec.template.spec.enableServiceLinks"));
        Assert.Equal("{}", d["status"]!.ToJsonString());
    }

    [Fact]
    public void PrepareForCreate_RecreateDeployment_DoesNotAddRollingUpdate()
    {
        var (_, d) = Created(BuiltInKinds.Deployment, ""","strategy":{"type":"Recreate"}""");
        Assert.Null(At(d, "spec.strategy.rollingUpdate"));
    }

    [Fact]
    public void PrepareForCreate_DaemonSet_FillsUpdateStrategy()
    {
        var (_, ds) = Created(BuiltInKinds.DaemonSet);
        Assert.Equal("RollingUpdate", Str(ds, "spec.updateStrategy.type"));
        Assert.Equal("1", Str(ds, "spec.updateStrategy.rollingUpdate.maxUnavailable"));
        Assert.Equal("0", Str(ds, "spec.updateStrategy.rollingUpdate.maxSurge"));
        Assert.Equal("10", Str(ds, "spec.revisionHistoryLimit"));
        Assert.Equal("0", Str(ds, "status.numberReady"));
    }

    [Fact]
    public void PrepareForCreate_StatefulSet_FillsPoliciesAndPartition()
    {
        var (_, sts) = Created(BuiltInKinds.StatefulSet);
        Assert.Equal("1", Str(sts, "spec.replicas"));
        Assert.Equal("OrderedReady", Str(sts, "spec.podManagementPolicy"));
        Assert.Equal("RollingUpdate", Str(sts, "spec.updateStrategy.type"));
        Assert.Equal("0", Str(sts, "spec.updateStrategy.rollingUpdate.partition"));
        Assert.Equal("Retain", Str(sts, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"));
        Assert.Equal("Retain", Str(sts, "spec.persistentVolumeClaimRetentionPolicy.whenScaled"));
        Assert.Equal("10", Str(sts, "spec.revisionHistoryLimit"));
    }

    [Fact]
    public void PrepareForCreate_ReplicaSet_DefaultsReplicasAndStatus()
    {
        var (_, rs) = Created(BuiltInKinds.ReplicaSet);
        Assert.Equal("1", Str(rs, "spec.replicas"));
        Assert.Equal("""{"replicas":0}""", rs["status"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(AppsKinds))]
    public void Validate_DefaultedWorkload_HasNoCauses(ResourceKind kind)
    {
        var (strategy, obj) = Created(kind);
        NoCauses(strategy.Validate(obj));
    }

    [Theory]
    [MemberData(nameof(AppsKinds))]
    public void Validate_SelectorNotMatchingTemplate_IsInvalid(ResourceKind kind)
    {
        var (strategy, obj) = Created(kind);
        obj["spec"]!["selector"] = Json("""{"matchLabels":{"app":"other"}}""");
        HasCause(strategy.Validate(obj), "spec.template.metadata.labels", "`selector` does not match template `labels`");
    }

    [Fact]
    public void Validate_MissingOrEmptySelector_IsRejected()
    {
        var (strategy, obj) = Created(BuiltInKinds.Deployment);
        obj["spec"]!.AsObject().Remove("selector");
        HasCause(strategy.Validate(obj), "spec.selector", "Required value");
        obj["spec"]!["selector"] = new JsonObject();
        HasCause(strategy.Validate(obj), "spec.selector", "empty selector is invalid for deployment");
    }

    [Fact]
    public void Validate_NegativeReplicas_IsInvalid()
    {
        var (strategy, obj) = Created(BuiltInKinds.Deployment, ""","replicas":-1""");
        HasCause(strategy.Validate(obj), "spec.replicas", "Invalid value: -1: must be greater than or equal to 0");
    }

    [Fact]
    public void Validate_TemplateRestartNever_IsNotSupported()
    {
        var (strategy, obj) = Created(BuiltInKinds.Deployment);
        obj["spec"]!["template"]!["spec"]!["restartPolicy"] = "Never";
        HasCause(strategy.Validate(obj), "spec.template.spec.restartPolicy", "Unsupported value: \"Never\": supported values: \"Always\"");
    }

    [Fact]
    public void Validate_TemplateContainerWithoutImage_UsesTemplatePath()
    {
        var (strategy, obj) = Created(BuiltInKinds.Deployment);
        obj["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("image");
        HasCause(strategy.Validate(obj), "spec.template.spec.containers[0].image", "Required value");
    }

    [Fact]
    public void Validate_StatefulSetMountOfAClaimTemplate_IsAllowed_ButNotInOtherWorkloads()
    {
        const string claims = ""","serviceName":"web","volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]""";
        var (strategy, sts) = Created(BuiltInKinds.StatefulSet, claims);
        sts["spec"]!["template"]!["spec"]!["containers"]![0]!["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "data", ["mountPath"] = "/data" });
        NoCauseOn(strategy.Validate(sts), "spec.template.spec.containers[0].volumeMounts[0].name");

        sts["spec"]!["template"]!["spec"]!["containers"]![0]!["volumeMounts"]![0]!["name"] = "other";
        HasCause(strategy.Validate(sts), "spec.template.spec.containers[0].volumeMounts[0].name", "Not found");

        var (deployments, deployment) = Created(BuiltInKinds.Deployment);
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "data", ["mountPath"] = "/data" });
        HasCause(deployments.Validate(deployment), "spec.template.spec.containers[0].volumeMounts[0].name", "Not found");
    }

    [Fact]
    public void Validate_DeploymentBothRollingZero_IsInvalid()
    {
        var (strategy, obj) = Created(BuiltInKinds.Deployment, ""","strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"0%"}}""");
        HasCause(strategy.Validate(obj), "spec.strategy.rollingUpdate.maxUnavailable", "may not be 0 when `maxSurge` is 0");
    }

    [Fact]
    public void Validate_DeploymentBadPercentAndOver100_AreInvalid()
    {
        var (strategy, obj) = Created(BuiltInKinds.Deployment, ""","strategy":{"rollingUpdate":{"maxUnavailable":"150%","maxSurge":"lots"}}""");
        var causes = strategy.Validate(obj);
        HasCause(causes, "spec.strategy.rollingUpdate.maxUnavailable", "must not be greater than 100%");
        HasCause(causes, "spec.strategy.rollingUpdate.maxSurge", "a valid percent string must be a numeric string followed by an ending '%'");
    }

    [Fact]
    public void Validate_DaemonSetBothSurgeAndUnavailable_IsInvalid()
    {
        var (strategy, obj) = Created(BuiltInKinds.DaemonSet, ""","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":1}}""");
        HasCause(strategy.Validate(obj), "spec.updateStrategy.rollingUpdate.maxSurge", "may not be set when maxUnavailable is non-zero");
    }

    [Theory]
    [InlineData("Deployment")]
    [InlineData("ReplicaSet")]
    [InlineData("DaemonSet")]
    public void ValidateUpdate_ChangedSelector_IsImmutable(string kindName)
    {
        var kind = BuiltInKinds.All.Single(k => k.Kind == kindName);
        var (strategy, old) = Created(kind);
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["selector"] = Json("""{"matchLabels":{"app":"web","tier":"x"}}""");
        updated["spec"]!["template"]!["metadata"]!["labels"]!["tier"] = "x";
        strategy.PrepareForUpdate(updated, old);
        HasCause(strategy.ValidateUpdate(updated, old), "spec.selector", "field is immutable");
    }

    [Fact]
    public void ValidateUpdate_ScaledDeployment_IsAllowedAndKeepsStatus()
    {
        var (strategy, old) = Created(BuiltInKinds.Deployment);
        old["status"] = Json("""{"replicas":1}""");
        var updated = Workload(BuiltInKinds.Deployment, ""","replicas":3""");
        strategy.PrepareForUpdate(updated, old);
        NoCauses(strategy.ValidateUpdate(updated, old));
        Assert.Equal("""{"replicas":1}""", updated["status"]!.ToJsonString());
    }

    [Fact]
    public void ValidateUpdate_StatefulSetServiceNameChange_IsForbidden()
    {
        var (strategy, old) = Created(BuiltInKinds.StatefulSet, ""","serviceName":"a" """);
        var updated = Workload(BuiltInKinds.StatefulSet, ""","serviceName":"b","replicas":5""");
        strategy.PrepareForUpdate(updated, old);
        HasCause(strategy.ValidateUpdate(updated, old), "spec", "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template'");

        var scaled = Workload(BuiltInKinds.StatefulSet, ""","serviceName":"a","replicas":5""");
        strategy.PrepareForUpdate(scaled, old);
        NoCauses(strategy.ValidateUpdate(scaled, old));
    }

    [Fact]
    public void PrepareForStatusUpdate_Workload_KeepsSpecAndLabels()
    {
        var (strategy, old) = Created(BuiltInKinds.Deployment);
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["replicas"] = 9;
        updated["metadata"]!["labels"] = Json("""{"x":"y"}""");
        updated["status"] = Json("""{"readyReplicas":1}""");
        strategy.PrepareForStatusUpdate(updated, old);
        Assert.Equal("1", Str(updated, "spec.replicas"));
        Assert.Null(At(updated, "metadata.labels"));
        Assert.Equal("1", Str(updated, "status.readyReplicas"));
    }

    public static TheoryData<ResourceKind> AppsKinds() =>
        [BuiltInKinds.Deployment, BuiltInKinds.ReplicaSet, BuiltInKinds.DaemonSet, BuiltInKinds.StatefulSet];
}

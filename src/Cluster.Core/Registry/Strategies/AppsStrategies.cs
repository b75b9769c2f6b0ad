using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Deployments (apps/v1 SetDefaults_Deployment, ValidateDeploymentSpec).</summary>
internal sealed class DeploymentStrategy : WorkloadStrategy
{
    public DeploymentStrategy()
        : base(BuiltInKinds.Deployment, "deployment")
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.Default(spec, "replicas", 1);
        var strategy = JsonFields.Ensure(spec, "strategy");
        JsonFields.DefaultString(strategy, "type", "RollingUpdate");
        if (JsonFields.Str(strategy, "type") == "RollingUpdate")
        {
            var rolling = JsonFields.Ensure(strategy, "rollingUpdate");
            JsonFields.Default(rolling, "maxUnavailable", "25%");
            JsonFields.Default(rolling, "maxSurge", "25%");
        }

        JsonFields.Default(spec, "revisionHistoryLimit", 10);
        JsonFields.Default(spec, "progressDeadlineSeconds", 600);
        PodDefaults.Template(spec);
    }

    protected override void ValidateSpec(JsonObject spec, Causes causes)
    {
        var strategy = JsonFields.Obj(spec, "strategy");
        var rolling = JsonFields.Obj(strategy, "rollingUpdate");
        switch (JsonFields.Str(strategy, "type") ?? "")
        {
            case "Recreate":
                if (rolling is not null)
                {
                    causes.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
                }

                break;
            case "RollingUpdate":
                const string path = "spec.strategy.rollingUpdate";
                ValidateIntOrPercent(rolling, "maxUnavailable", path + ".maxUnavailable", causes);
                ValidateIntOrPercent(rolling, "maxSurge", path + ".maxSurge", causes);
                if (rolling is not null && IntOrPercentValue(rolling, "maxUnavailable") == 0 && IntOrPercentValue(rolling, "maxSurge") == 0)
                {
                    causes.Invalid(path + ".maxUnavailable", rolling["maxUnavailable"], "may not be 0 when `maxSurge` is 0");
                }

                ValidateAtMost100Percent(rolling, "maxUnavailable", path + ".maxUnavailable", causes);
                break;
            case "":
                causes.Required("spec.strategy.type");
                break;
            case var other:
                causes.NotSupported("spec.strategy.type", other, "Recreate", "RollingUpdate");
                break;
        }

        causes.NonNegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds");
        if (JsonFields.Int(spec, "progressDeadlineSeconds") is { } deadline && deadline <= (JsonFields.Int(spec, "minReadySeconds") ?? 0))
        {
            causes.Invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds");
        }
    }
}

/// <summary>ReplicaSets (apps/v1): replicas default 1; the shared selector and template rules.</summary>
internal sealed class ReplicaSetStrategy : WorkloadStrategy
{
    public ReplicaSetStrategy()
        : base(BuiltInKinds.ReplicaSet, "deployment")
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.Default(spec, "replicas", 1);
        PodDefaults.Template(spec);
    }

    // ReplicaSetStatus.replicas has no omitempty upstream, so a new status prints it.
    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["replicas"] = 0 };

    protected override void ValidateSpec(JsonObject spec, Causes causes)
    {
    }
}

/// <summary>DaemonSets (apps/v1 SetDefaults_DaemonSet, ValidateDaemonSetSpec).</summary>
internal sealed class DaemonSetStrategy : WorkloadStrategy
{
    public DaemonSetStrategy()
        : base(BuiltInKinds.DaemonSet, "daemonset")
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        var strategy = JsonFields.Ensure(spec, "updateStrategy");
        JsonFields.DefaultString(strategy, "type", "RollingUpdate");
        if (JsonFields.Str(strategy, "type") == "RollingUpdate")
        {
            var rolling = JsonFields.Ensure(strategy, "rollingUpdate");
            JsonFields.Default(rolling, "maxUnavailable", 1);
            JsonFields.Default(rolling, "maxSurge", 0);
        }

        JsonFields.Default(spec, "revisionHistoryLimit", 10);
        PodDefaults.Template(spec);
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new()
    {
        ["currentNumberScheduled"] = 0,
        ["numberMisscheduled"] = 0,
        ["desiredNumberScheduled"] = 0,
        ["numberReady"] = 0,
    };

    protected override void ValidateSpec(JsonObject spec, Causes causes)
    {
        var strategy = JsonFields.Obj(spec, "updateStrategy");
        causes.OneOf(strategy, "type", "spec.updateStrategy.type", "OnDelete", "RollingUpdate");
        if (JsonFields.Str(strategy, "type") != "RollingUpdate" || JsonFields.Obj(strategy, "rollingUpdate") is not { } rolling)
        {
            return;
        }

        const string path = "spec.updateStrategy.rollingUpdate";
        ValidateIntOrPercent(rolling, "maxUnavailable", path + ".maxUnavailable", causes);
        ValidateIntOrPercent(rolling, "maxSurge", path + ".maxSurge", causes);
        ValidateAtMost100Percent(rolling, "maxUnavailable", path + ".maxUnavailable", causes);
        ValidateAtMost100Percent(rolling, "maxSurge", path + ".maxSurge", causes);
        var hasUnavailable = IntOrPercentValue(rolling, "maxUnavailable") != 0;
        var hasSurge = IntOrPercentValue(rolling, "maxSurge") != 0;
        if (hasUnavailable && hasSurge)
        {
            causes.Invalid(path + ".maxSurge", rolling["maxSurge"], "may not be set when maxUnavailable is non-zero");
        }
        else if (!hasUnavailable && !hasSurge)
        {
            causes.Required(path + ".maxUnavailable", "cannot be 0 when maxSurge is 0");
        }
    }
}

/// <summary>StatefulSets (apps/v1 SetDefaults_StatefulSet, ValidateStatefulSetSpec and its update rule).</summary>
internal sealed class StatefulSetStrategy : WorkloadStrategy
{
    public const string UpdateForbidden =
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    private static readonly string[] MutableSpecFields =
        ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    private static readonly string[] RetentionPolicies = ["Retain", "Delete"];

    public StatefulSetStrategy()
        : base(BuiltInKinds.StatefulSet, "statefulset")
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.DefaultString(spec, "podManagementPolicy", "OrderedReady");
        var strategy = JsonFields.Ensure(spec, "updateStrategy");
        if (string.IsNullOrEmpty(JsonFields.Str(strategy, "type")))
        {
            strategy["type"] = "RollingUpdate";
            JsonFields.Ensure(strategy, "rollingUpdate");
        }

        if (JsonFields.Str(strategy, "type") == "RollingUpdate" && JsonFields.Obj(strategy, "rollingUpdate") is { } rolling)
        {
            JsonFields.Default(rolling, "partition", 0);
        }

        var retention = JsonFields.Ensure(spec, "persistentVolumeClaimRetentionPolicy");
        JsonFields.DefaultString(retention, "whenDeleted", "Retain");
        JsonFields.DefaultString(retention, "whenScaled", "Retain");
        JsonFields.Default(spec, "replicas", 1);
        JsonFields.Default(spec, "revisionHistoryLimit", 10);
        PodDefaults.Template(spec);
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["replicas"] = 0, ["availableReplicas"] = 0 };

    /// <summary>Each volumeClaimTemplate becomes a volume of that name in every pod, so containers may mount it (as upstream's ValidateStatefulSetSpec).</summary>
    protected override IEnumerable<string> ClaimVolumes(JsonObject spec) =>
        JsonFields.Items(JsonFields.Arr(spec, "volumeClaimTemplates")).Select(c => ObjectMeta.Name(c.Item)).Where(n => n.Length > 0);

    protected override void ValidateSpec(JsonObject spec, Causes causes)
    {
        switch (JsonFields.Str(spec, "podManagementPolicy") ?? "")
        {
            case "OrderedReady" or "Parallel":
                break;
            case "":
                causes.Required("spec.podManagementPolicy");
                break;
            case var other:
                causes.Invalid("spec.podManagementPolicy", other, "must be 'OrderedReady' or 'Parallel'");
                break;
        }

        var strategy = JsonFields.Obj(spec, "updateStrategy");
        var rolling = JsonFields.Obj(strategy, "rollingUpdate");
        switch (JsonFields.Str(strategy, "type") ?? "")
        {
            case "OnDelete":
                if (rolling is not null)
                {
                    causes.Invalid("spec.updateStrategy.rollingUpdate", rolling, "only allowed for updateStrategy 'RollingUpdate'");
                }

                break;
            case "RollingUpdate":
                causes.NonNegative(rolling, "partition", "spec.updateStrategy.rollingUpdate.partition");
                break;
            case "":
                causes.Required("spec.updateStrategy");
                break;
            default:
                causes.Invalid("spec.updateStrategy", strategy, "must be 'RollingUpdate' or 'OnDelete'");
                break;
        }

        var retention = JsonFields.Obj(spec, "persistentVolumeClaimRetentionPolicy");
        causes.OptionalOneOf(retention, "whenDeleted", "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", RetentionPolicies);
        causes.OptionalOneOf(retention, "whenScaled", "spec.persistentVolumeClaimRetentionPolicy.whenScaled", RetentionPolicies);
        causes.NonNegative(JsonFields.Obj(spec, "ordinals"), "start", "spec.ordinals.start");
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        var newSpec = (JsonFields.Obj(updated, "spec") ?? []).DeepClone().AsObject();
        var oldSpec = JsonFields.Obj(old, "spec") ?? [];
        foreach (var field in MutableSpecFields)
        {
            CopyFrom(oldSpec, newSpec, field);
        }

        if (!JsonFields.SameIgnoringNulls(newSpec, oldSpec))
        {
            causes.Forbidden("spec", UpdateForbidden);
        }
    }
}

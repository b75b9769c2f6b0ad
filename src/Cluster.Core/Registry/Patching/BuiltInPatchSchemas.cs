namespace Cluster.Core.Registry.Patching;

/// <summary>
/// The merge metadata of the built-in kinds, transcribed from the struct tags of
/// k8s.io/api core/v1, apps/v1 and batch/v1 and apimachinery's ObjectMeta (v0.32).
/// </summary>
internal static class BuiltInPatchSchemas
{
    private static readonly Dictionary<string, string> ProtocolDefault = new(StringComparer.Ordinal) { ["protocol"] = "TCP" };

    private static readonly PatchSchema ObjectMeta = PatchSchema.Of(
        ("finalizers", PatchField.Set()),
        ("ownerReferences", PatchField.MergeBy("uid")));

    private static readonly PatchField Conditions = PatchField.MergeBy("type");

    private static readonly PatchSchema Container = PatchSchema.Of(
        ("ports", PatchField.MergeBy("containerPort", null, false, "containerPort", "protocol") with { KeyDefaults = ProtocolDefault }),
        ("env", PatchField.MergeBy("name")),
        ("volumeMounts", PatchField.MergeBy("mountPath")),
        ("volumeDevices", PatchField.MergeBy("devicePath")));

    private static readonly PatchSchema PodSpec = PatchSchema.Of(
        ("containers", PatchField.MergeBy("name", Container)),
        ("initContainers", PatchField.MergeBy("name", Container)),
        ("ephemeralContainers", PatchField.MergeBy("name", Container)),
        ("volumes", PatchField.MergeBy("name", retainKeys: true)),
        ("imagePullSecrets", PatchField.MergeBy("name")),
        ("schedulingGates", PatchField.MergeBy("name")),
        ("resourceClaims", PatchField.MergeBy("name", retainKeys: true)),
        ("hostAliases", PatchField.MergeBy("ip")),
        ("topologySpreadConstraints", PatchField.MergeBy("topologyKey", null, false, "topologyKey", "whenUnsatisfiable")),
        ("nodeSelector", PatchField.AtomicObject()));

    private static readonly PatchSchema PodStatus = PatchSchema.Of(
        ("conditions", Conditions),
        ("podIPs", PatchField.MergeBy("ip")),
        ("hostIPs", PatchField.MergeBy("ip")),
        ("resourceClaimStatuses", PatchField.MergeBy("name", retainKeys: true)));

    private static readonly PatchField PodTemplate = PatchField.Object(PatchSchema.Of(
        ("metadata", PatchField.Object(ObjectMeta)),
        ("spec", PatchField.Object(PodSpec))));

    private static readonly PatchField ConditionsStatus = PatchField.Object(PatchSchema.Of(("conditions", Conditions)));

    private static readonly PatchSchema WorkloadSpec = PatchSchema.Of(
        ("selector", PatchField.AtomicObject()),
        ("template", PodTemplate));

    private static readonly PatchSchema DeploymentSpec = PatchSchema.Of(
        ("selector", PatchField.AtomicObject()),
        ("strategy", new PatchField { RetainKeys = true }),
        ("template", PodTemplate));

    private static readonly PatchSchema CronJobSpec = PatchSchema.Of(
        ("jobTemplate", PatchField.Object(PatchSchema.Of(
            ("metadata", PatchField.Object(ObjectMeta)),
            ("spec", PatchField.Object(WorkloadSpec))))));

    private static readonly PatchSchema ServiceSpec = PatchSchema.Of(
        ("ports", PatchField.MergeBy("port", null, false, "port", "protocol") with { KeyDefaults = ProtocolDefault }),
        ("selector", PatchField.AtomicObject()));

    private static readonly PatchSchema NodeSpec = PatchSchema.Of(("podCIDRs", PatchField.Set()));

    private static readonly PatchSchema NodeStatus = PatchSchema.Of(
        ("conditions", Conditions),
        ("addresses", PatchField.MergeBy("type")));

    public static PatchSchema ObjectWithMetadata { get; } = Root();

    private static readonly Dictionary<(string ApiVersion, string Kind), PatchSchema> Kinds = new()
    {
        [("v1", "Pod")] = Root(PatchField.Object(PodSpec), PatchField.Object(PodStatus)),
        [("v1", "Service")] = Root(PatchField.Object(ServiceSpec), ConditionsStatus),
        [("v1", "Node")] = Root(PatchField.Object(NodeSpec), PatchField.Object(NodeStatus)),
        [("v1", "Namespace")] = Root(status: ConditionsStatus),
        [("v1", "ServiceAccount")] = Root(extra: ("secrets", PatchField.MergeBy("name"))),
        [("v1", "Endpoints")] = ObjectWithMetadata,
        [("v1", "ConfigMap")] = ObjectWithMetadata,
        [("v1", "Secret")] = ObjectWithMetadata,
        [("v1", "Event")] = ObjectWithMetadata,
        [("v1", "ResourceQuota")] = ObjectWithMetadata,
        [("coordination.k8s.io/v1", "Lease")] = ObjectWithMetadata,
        [("apps/v1", "Deployment")] = Root(PatchField.Object(DeploymentSpec), ConditionsStatus),
        [("apps/v1", "ReplicaSet")] = Root(PatchField.Object(WorkloadSpec), ConditionsStatus),
        [("apps/v1", "DaemonSet")] = Root(PatchField.Object(WorkloadSpec), ConditionsStatus),
        [("apps/v1", "StatefulSet")] = Root(PatchField.Object(WorkloadSpec), ConditionsStatus),
        [("batch/v1", "Job")] = Root(PatchField.Object(WorkloadSpec), ConditionsStatus),
        [("batch/v1", "CronJob")] = Root(PatchField.Object(CronJobSpec)),
        [("autoscaling/v2", "HorizontalPodAutoscaler")] = Root(status: ConditionsStatus),
    };

    public static PatchSchema For(string apiVersion, string kind) =>
        // Every object has metadata, whose finalizers and ownerReferences merge whatever the kind.
        Kinds.TryGetValue((apiVersion, kind), out var schema) ? schema : ObjectWithMetadata;

    private static PatchSchema Root(PatchField? spec = null, PatchField? status = null, (string, PatchField)? extra = null)
    {
        var fields = new List<(string, PatchField)> { ("metadata", PatchField.Object(ObjectMeta)) };
        if (spec is not null)
        {
            fields.Add(("spec", spec));
        }

        if (status is not null)
        {
            fields.Add(("status", status));
        }

        if (extra is { } field)
        {
            fields.Add(field);
        }

        return PatchSchema.Of([.. fields]);
    }
}

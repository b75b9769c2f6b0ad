namespace Cluster.Api.Protobuf;

/// <summary>
/// What the Go types' JSON tags decide and the wire cannot tell. Kubernetes' protobuf encoder writes every non-pointer
/// field, set or not, and a pointer field only when set; JSON leaves a non-pointer field out when it is zero and tagged
/// omitempty. A zero that arrives may be "never set" or "set to zero", and a pointer set to zero means something
/// (replicas: 0, backoffLimit: 0, automountServiceAccountToken: false), so a zero number or false is kept unless the field
/// is one of Kubernetes' non-pointer omitempty numbers and flags listed here (the captured kubectl bodies show the common
/// ones; the rest are from the API types). A required number (value, port, restartCount) is not listed: its zero is kept,
/// as JSON keeps it. Empty strings are always left out. Fields Go embeds with <c>json:",inline"</c> put their fields in
/// the enclosing object.
/// </summary>
internal static class JsonShape
{
    private const string Core = "k8s.io.api.core.v1.";
    private const string Apps = "k8s.io.api.apps.v1.";

    private static readonly HashSet<string> OmittedWhenZero = new(StringComparer.Ordinal)
    {
        "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta.generation",
        "k8s.io.apimachinery.pkg.apis.meta.v1.Status.code",
        "k8s.io.apimachinery.pkg.apis.meta.v1.StatusDetails.retryAfterSeconds",
        Core + "ServiceSpec.healthCheckNodePort", Core + "ServiceSpec.publishNotReadyAddresses", Core + "ServicePort.nodePort",
        Core + "ContainerPort.hostPort",
        Core + "Container.stdin", Core + "Container.stdinOnce", Core + "Container.tty",
        Core + "EphemeralContainerCommon.stdin", Core + "EphemeralContainerCommon.stdinOnce", Core + "EphemeralContainerCommon.tty",
        Core + "PodSpec.hostNetwork", Core + "PodSpec.hostPID", Core + "PodSpec.hostIPC",
        Core + "Probe.initialDelaySeconds", Core + "Probe.timeoutSeconds", Core + "Probe.periodSeconds",
        Core + "Probe.successThreshold", Core + "Probe.failureThreshold",
        Core + "VolumeMount.readOnly", Core + "NodeSpec.unschedulable", Core + "Event.count", Core + "EventSeries.count",
        Core + "ContainerImage.sizeBytes", Core + "ContainerStateTerminated.signal",
        Core + "GCEPersistentDiskVolumeSource.partition", Core + "AWSElasticBlockStoreVolumeSource.partition",
        Core + "ReplicationControllerSpec.minReadySeconds", Core + "ReplicationControllerStatus.fullyLabeledReplicas",
        Core + "ReplicationControllerStatus.readyReplicas", Core + "ReplicationControllerStatus.availableReplicas",
        Core + "ReplicationControllerStatus.observedGeneration",
        Apps + "DeploymentSpec.minReadySeconds", Apps + "DeploymentSpec.paused",
        Apps + "DeploymentStatus.observedGeneration", Apps + "DeploymentStatus.replicas", Apps + "DeploymentStatus.updatedReplicas",
        Apps + "DeploymentStatus.readyReplicas", Apps + "DeploymentStatus.availableReplicas", Apps + "DeploymentStatus.unavailableReplicas",
        Apps + "ReplicaSetSpec.minReadySeconds", Apps + "ReplicaSetStatus.fullyLabeledReplicas", Apps + "ReplicaSetStatus.readyReplicas",
        Apps + "ReplicaSetStatus.availableReplicas", Apps + "ReplicaSetStatus.observedGeneration",
        Apps + "StatefulSetSpec.minReadySeconds", Apps + "StatefulSetStatus.observedGeneration", Apps + "StatefulSetStatus.readyReplicas",
        Apps + "StatefulSetStatus.currentReplicas", Apps + "StatefulSetStatus.updatedReplicas", Apps + "StatefulSetStatus.availableReplicas",
        Apps + "DaemonSetSpec.minReadySeconds", Apps + "DaemonSetStatus.observedGeneration", Apps + "DaemonSetStatus.updatedNumberScheduled",
        Apps + "DaemonSetStatus.numberAvailable", Apps + "DaemonSetStatus.numberUnavailable",
        "k8s.io.api.batch.v1.JobStatus.active", "k8s.io.api.batch.v1.JobStatus.succeeded", "k8s.io.api.batch.v1.JobStatus.failed",
        "k8s.io.api.policy.v1.PodDisruptionBudgetStatus.observedGeneration",
        "k8s.io.api.scheduling.v1.PriorityClass.globalDefault",
        "k8s.io.api.autoscaling.v1.ScaleSpec.replicas",
        "k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerStatus.currentReplicas",
        "k8s.io.api.events.v1.Event.deprecatedCount",
        "k8s.io.api.networking.v1.ServiceBackendPort.number",
    };

    private static readonly HashSet<string> Inlined = new(StringComparer.Ordinal)
    {
        Core + "Volume.volumeSource",
        Core + "PersistentVolumeSpec.persistentVolumeSource",
        Core + "Probe.handler",
        Core + "EphemeralContainer.ephemeralContainerCommon",
        "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
        "k8s.io.api.admissionregistration.v1.RuleWithOperations.rule",
        "k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations",
        Core + "ConfigMapVolumeSource.localObjectReference", Core + "ConfigMapProjection.localObjectReference",
        Core + "ConfigMapKeySelector.localObjectReference", Core + "ConfigMapEnvSource.localObjectReference",
        Core + "SecretProjection.localObjectReference", Core + "SecretKeySelector.localObjectReference",
        Core + "SecretEnvSource.localObjectReference",
    };

    /// <summary>True when JSON leaves this field out at zero or false.</summary>
    public static bool OmittedAtZero(ProtoMessage message, ProtoField field) =>
        OmittedWhenZero.Contains(message.Name + "." + field.Name)
        || (field.Name == "readOnly" && message.Name.EndsWith("VolumeSource", StringComparison.Ordinal));

    /// <summary>True when this message field's fields belong to the enclosing object.</summary>
    public static bool IsInlined(ProtoMessage message, ProtoField field) => Inlined.Contains(message.Name + "." + field.Name);
}

namespace Cluster.Core.Registry;

/// <summary>The Kubernetes kinds of core/v1, apps/v1, batch/v1, coordination.k8s.io/v1, rbac.authorization.k8s.io/v1, scheduling.k8s.io/v1, policy/v1, networking.k8s.io/v1, discovery.k8s.io/v1 and storage.k8s.io/v1, autoscaling/v2 (and v1) and events.k8s.io/v1 that this cluster serves.</summary>
public static class BuiltInKinds
{
    private static readonly string[] StatusOnly = ["status"];
    private static readonly string[] StatusAndScale = ["status", "scale"];
    private static readonly string[] All_ = ["all"];
    private const string Rbac = "rbac.authorization.k8s.io";

    public static ResourceKind Namespace { get; } = new("", "v1", "Namespace", "namespaces", Namespaced: false) { ShortNames = ["ns"], Subresources = ["status", "finalize"] };

    public static ResourceKind Pod { get; } = new("", "v1", "Pod", "pods", Namespaced: true) { ShortNames = ["po"], Categories = All_, Subresources = ["status", "binding", "eviction", "log", "exec", "attach", "portforward"] };

    public static ResourceKind Node { get; } = new("", "v1", "Node", "nodes", Namespaced: false) { ShortNames = ["no"], Subresources = StatusOnly };

    public static ResourceKind Service { get; } = new("", "v1", "Service", "services", Namespaced: true) { ShortNames = ["svc"], Categories = All_, Subresources = StatusOnly };

    public static ResourceKind Endpoints { get; } = new("", "v1", "Endpoints", "endpoints", Namespaced: true) { ShortNames = ["ep"] };

    public static ResourceKind ResourceQuota { get; } = new("", "v1", "ResourceQuota", "resourcequotas", Namespaced: true) { ShortNames = ["quota"], Subresources = StatusOnly };

    public static ResourceKind ConfigMap { get; } = new("", "v1", "ConfigMap", "configmaps", Namespaced: true) { ShortNames = ["cm"] };

    public static ResourceKind Secret { get; } = new("", "v1", "Secret", "secrets", Namespaced: true);

    public static ResourceKind Event { get; } = new("", "v1", "Event", "events", Namespaced: true) { ShortNames = ["ev"] };

    public static ResourceKind ServiceAccount { get; } = new("", "v1", "ServiceAccount", "serviceaccounts", Namespaced: true) { ShortNames = ["sa"], Subresources = ["token"] };

    public static ResourceKind Deployment { get; } = new("apps", "v1", "Deployment", "deployments", Namespaced: true) { ShortNames = ["deploy"], Categories = All_, Subresources = StatusAndScale, TracksGeneration = true };

    public static ResourceKind ReplicaSet { get; } = new("apps", "v1", "ReplicaSet", "replicasets", Namespaced: true) { ShortNames = ["rs"], Categories = All_, Subresources = StatusAndScale, TracksGeneration = true };

    public static ResourceKind DaemonSet { get; } = new("apps", "v1", "DaemonSet", "daemonsets", Namespaced: true) { ShortNames = ["ds"], Categories = All_, Subresources = StatusOnly, TracksGeneration = true };

    public static ResourceKind StatefulSet { get; } = new("apps", "v1", "StatefulSet", "statefulsets", Namespaced: true) { ShortNames = ["sts"], Categories = All_, Subresources = StatusAndScale, TracksGeneration = true };

    public static ResourceKind Job { get; } = new("batch", "v1", "Job", "jobs", Namespaced: true) { Categories = All_, Subresources = StatusOnly, TracksGeneration = true };

    public static ResourceKind CronJob { get; } = new("batch", "v1", "CronJob", "cronjobs", Namespaced: true) { ShortNames = ["cj"], Categories = All_, Subresources = StatusOnly, TracksGeneration = true };

    public static ResourceKind Lease { get; } = new("coordination.k8s.io", "v1", "Lease", "leases", Namespaced: true);

    public static ResourceKind Role { get; } = new(Rbac, "v1", "Role", "roles", Namespaced: true);

    public static ResourceKind ClusterRole { get; } = new(Rbac, "v1", "ClusterRole", "clusterroles", Namespaced: false);

    public static ResourceKind RoleBinding { get; } = new(Rbac, "v1", "RoleBinding", "rolebindings", Namespaced: true);

    public static ResourceKind ClusterRoleBinding { get; } = new(Rbac, "v1", "ClusterRoleBinding", "clusterrolebindings", Namespaced: false);

    public static ResourceKind PriorityClass { get; } = new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", Namespaced: false) { ShortNames = ["pc"] };

    public static ResourceKind PodDisruptionBudget { get; } = new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", Namespaced: true) { ShortNames = ["pdb"], Subresources = StatusOnly, TracksGeneration = true };

    public static ResourceKind Ingress { get; } = new("networking.k8s.io", "v1", "Ingress", "ingresses", Namespaced: true) { ShortNames = ["ing"], Subresources = StatusOnly, TracksGeneration = true };

    public static ResourceKind IngressClass { get; } = new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", Namespaced: false);

    public static ResourceKind PersistentVolumeClaim { get; } = new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", Namespaced: true) { ShortNames = ["pvc"], Subresources = StatusOnly };

    public static ResourceKind PersistentVolume { get; } = new("", "v1", "PersistentVolume", "persistentvolumes", Namespaced: false) { ShortNames = ["pv"], Subresources = StatusOnly };

    public static ResourceKind LimitRange { get; } = new("", "v1", "LimitRange", "limitranges", Namespaced: true) { ShortNames = ["limits"] };

    public static ResourceKind PodTemplate { get; } = new("", "v1", "PodTemplate", "podtemplates", Namespaced: true);

    public static ResourceKind ReplicationController { get; } = new("", "v1", "ReplicationController", "replicationcontrollers", Namespaced: true) { ShortNames = ["rc"], Categories = All_, Subresources = StatusAndScale, TracksGeneration = true };

    public static ResourceKind StorageClass { get; } = new("storage.k8s.io", "v1", "StorageClass", "storageclasses", Namespaced: false) { ShortNames = ["sc"] };

    public static ResourceKind ControllerRevision { get; } = new("apps", "v1", "ControllerRevision", "controllerrevisions", Namespaced: true);

    public static ResourceKind NetworkPolicy { get; } = new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", Namespaced: true) { ShortNames = ["netpol"], TracksGeneration = true };

    public static ResourceKind EndpointSlice { get; } = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", Namespaced: true);

    /// <summary>networking.k8s.io/v1 IPAddresses: one per allocated Service cluster IP, named by the IP (upstream's MultiCIDRServiceAllocator), so an IP is never given twice.</summary>
    public static ResourceKind IPAddress { get; } = new("networking.k8s.io", "v1", "IPAddress", "ipaddresses", Namespaced: false) { ShortNames = ["ip"] };

    /// <summary>
    /// The registry's node-port reservations, one per allocated Service node port, named by the port: the same
    /// create-once guarantee IPAddresses give cluster IPs. Upstream has no such kind (it keeps a bitmap), so it is
    /// stored but not served.
    /// </summary>
    public static ResourceKind ServiceNodePort { get; } = new("internal.cluster.local", "v1", "ServiceNodePort", "servicenodeports", Namespaced: false) { Internal = true };

    public static ResourceKind HorizontalPodAutoscaler { get; } = new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", Namespaced: true) { ShortNames = ["hpa"], Categories = All_, Subresources = StatusOnly };

    /// <summary>autoscaling/v1 HorizontalPodAutoscalers: the autoscaling/v2 objects with CPU utilization as their one metric (kubectl autoscale posts these).</summary>
    public static ResourceKind HorizontalPodAutoscalerV1 { get; } = HorizontalPodAutoscaler with { Version = "v1", StoredAs = HorizontalPodAutoscaler };

    /// <summary>events.k8s.io/v1 Events: the core/v1 Events with their newer field names (regarding, note, reportingController, ...).</summary>
    public static ResourceKind EventsV1Event { get; } = Event with { Group = "events.k8s.io", StoredAs = Event };

    /// <summary>The stored kinds: each has a strategy, a watch cache and its objects in the journal.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        Namespace, Pod, Node, Service, Endpoints, ResourceQuota, ConfigMap, Secret, Event, ServiceAccount,
        Deployment, ReplicaSet, DaemonSet, StatefulSet, Job, CronJob, Lease,
        Role, ClusterRole, RoleBinding, ClusterRoleBinding, PriorityClass, PodDisruptionBudget, Ingress, IngressClass,
        PersistentVolumeClaim, PersistentVolume, LimitRange, PodTemplate, ReplicationController, StorageClass, ControllerRevision,
        NetworkPolicy, EndpointSlice, HorizontalPodAutoscaler, IPAddress,
    ];

    /// <summary>Kinds stored like <see cref="All"/> but never served: the registry's own bookkeeping.</summary>
    public static IReadOnlyList<ResourceKind> Internal { get; } = [ServiceNodePort];

    /// <summary>Kinds served in a second version of objects stored as one of <see cref="All"/>.</summary>
    public static IReadOnlyList<ResourceKind> OtherVersions { get; } = [HorizontalPodAutoscalerV1, EventsV1Event];
}

using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Rbac;

/// <summary>
/// The rules of the default roles. Upstream's also name resources this cluster does not serve (the extensions group,
/// pods/proxy, services/proxy, tokenreviews, CSI storage, certificates): those are left out, the rest kept as upstream has them.
/// </summary>
public static partial class BootstrapPolicy
{
    /// <summary>admin is edit plus managing who may do what in the namespace.</summary>
    private static JsonObject[] AdminRules() =>
    [
        Rule("create", "localsubjectaccessreviews", "authorization.k8s.io"),
        Rule(ReadWrite, "roles rolebindings", RbacGroup),
    ];

    /// <summary>
    /// edit is view plus changing the namespace's workloads, secrets included. Not endpoints and endpointslices: upstream
    /// took their writes out of edit (CVE-2021-25740), they could point a service anywhere.
    /// </summary>
    private static JsonObject[] EditRules() =>
    [
        Rule(Read, "pods/attach pods/exec pods/portforward secrets", Core),
        Rule("impersonate", "serviceaccounts", Core),
        Rule(Write, "pods pods/attach pods/exec pods/portforward", Core),
        Rule("create", "pods/eviction", Core),
        Rule(Write, "configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets serviceaccounts services", Core),
        Rule("create", "serviceaccounts/token", Core),
        Rule(Write, "daemonsets deployments deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale", "apps"),
        Rule(Write, "horizontalpodautoscalers", "autoscaling"),
        Rule(Write, "cronjobs jobs", "batch"),
        Rule(Write, "poddisruptionbudgets", "policy"),
        Rule(Write, "ingresses networkpolicies", "networking.k8s.io"),
        Rule(ReadWrite, "leases", "coordination.k8s.io"),
    ];

    /// <summary>
    /// view reads what does not lead further: not secrets (a service account token in one is that account's powers), not
    /// exec or attach. Reading namespaces through a RoleBinding reads only that namespace.
    /// </summary>
    private static JsonObject[] ViewRules() =>
    [
        Rule(Read, "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status", Core),
        Rule(Read, "events limitranges namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas resourcequotas/status", Core),
        Rule(Read, "namespaces", Core),
        Rule(Read, "endpointslices", "discovery.k8s.io"),
        Rule(
            Read,
            "controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status",
            "apps"),
        Rule(Read, "horizontalpodautoscalers horizontalpodautoscalers/status", "autoscaling"),
        Rule(Read, "cronjobs cronjobs/status jobs jobs/status", "batch"),
        Rule(Read, "poddisruptionbudgets poddisruptionbudgets/status", "policy"),
        Rule(Read, "ingresses ingresses/status networkpolicies", "networking.k8s.io"),
    ];

    /// <summary>
    /// What a node agent needs to run its pods. As upstream, leases are granted everywhere (a node renews its heartbeat
    /// lease in kube-node-lease) and reads are not limited to the node's own pods: that is the Node authorizer's job.
    /// </summary>
    /// <summary>What a node agent may do at most (the system:node role); the Node authorizer narrows it to the agent's own objects.</summary>
    public static IReadOnlyList<JsonObject> NodeAgentRules() => NodeRules();

    private static JsonObject[] NodeRules() =>
    [
        Rule(Read, "services", Core),
        Rule("create get list watch", "nodes", Core),
        Rule("update patch", "nodes/status", Core),
        Rule("update patch", "nodes", Core),
        Rule("create update patch", "events", Core),
        Rule(Read, "pods", Core),
        Rule("create delete", "pods", Core),
        Rule("update patch", "pods/status", Core),
        Rule("create", "pods/eviction", Core),
        Rule(Read, "secrets configmaps", Core),
        Rule("get", "persistentvolumeclaims persistentvolumes", Core),
        Rule("get", "endpoints", Core),
        Rule("get create update patch delete", "leases", "coordination.k8s.io"),
        Rule("create", "serviceaccounts/token", Core),
        Rule("get update patch", "persistentvolumeclaims/status", Core),
    ];

    private static JsonObject[] SchedulerRules() =>
    [
        Rule("create patch update", "events", Core, "events.k8s.io"),

        // Leader election: any lease may be created, only its own one read and renewed.
        Rule("create", "leases", "coordination.k8s.io"),
        Named("get update", "leases", "kube-scheduler", "coordination.k8s.io"),
        Rule(Read, "nodes", Core),
        Rule("get list watch delete", "pods", Core),
        Rule("create", "bindings pods/binding", Core),
        Rule("patch update", "pods/status", Core),

        // What selects pods, and what pods use.
        Rule(Read, "replicationcontrollers services", Core),
        Rule(Read, "replicasets statefulsets", "apps"),
        Rule(Read, "poddisruptionbudgets", "policy"),
        Rule(Read, "persistentvolumeclaims persistentvolumes", Core),
        Rule(Read, "namespaces", Core),
    ];

    /// <summary>The controller manager's own identity: it lists and watches everything and starts with what its controllers need.</summary>
    private static JsonObject[] ControllerManagerRules() =>
    [
        Rule("create patch update", "events", Core, "events.k8s.io"),
        Rule("create", "leases", "coordination.k8s.io"),
        Named("get update", "leases", "kube-controller-manager", "coordination.k8s.io"),
        Rule("create", "secrets serviceaccounts", Core),
        Rule("delete", "secrets", Core),
        Rule("get", "configmaps namespaces secrets serviceaccounts", Core),
        Rule("update", "secrets serviceaccounts", Core),
        Rule("list watch", "*", "*"),
        Rule("create", "serviceaccounts/token", Core),
    ];
}

using static Cluster.Core.Registry.Schemas.SchemaDsl;

namespace Cluster.Core.Registry.Schemas;

/// <summary>rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding; scheduling.k8s.io/v1 PriorityClass; policy/v1 PodDisruptionBudget.</summary>
internal static class RbacPolicySchemas
{
    private const string RbacV1 = "io.k8s.api.rbac.v1.";
    private const string SchedulingV1 = "io.k8s.api.scheduling.v1.";
    private const string PolicyV1 = "io.k8s.api.policy.v1.";
    private const string Rbac = "rbac.authorization.k8s.io";

    public static IEnumerable<ObjectSchema> Definitions() =>
    [
        Kind(RbacV1 + "Role", Rbac, "v1", "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.",
            Rules("Rules holds all the PolicyRules for this Role")),
        Kind(RbacV1 + "ClusterRole", Rbac, "v1", "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
            Rules("Rules holds all the PolicyRules for this ClusterRole"),
            P("aggregationRule", Ref(RbacV1 + "AggregationRule"), "AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller.")),
        Def(RbacV1 + "PolicyRule", "PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.",
            P("verbs", Strings, "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.").Req(),
            P("apiGroups", Strings, "APIGroups is the name of the APIGroup that contains the resources. If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. \"\" represents the core API group and \"*\" represents all API groups."),
            P("resources", Strings, "Resources is a list of resources this rule applies to. '*' represents all resources."),
            P("resourceNames", Strings, "ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed."),
            P("nonResourceURLs", Strings, "NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path.")),
        Def(RbacV1 + "AggregationRule", "AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole",
            P("clusterRoleSelectors", ListOf(Meta("LabelSelector")), "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. If any of the selectors match, then the ClusterRole's permissions will be added")),
        Kind(RbacV1 + "RoleBinding", Rbac, "v1", "RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects and namespace information by which namespace it exists in.  RoleBindings in a given namespace only have effect in that namespace.",
            Subjects(), RoleRef("RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.")),
        Kind(RbacV1 + "ClusterRoleBinding", Rbac, "v1", "ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.",
            Subjects(), RoleRef("RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.")),
        Def(RbacV1 + "Subject", "Subject contains a reference to the object or user identities a role binding applies to.  This can either hold a direct API object reference, or a value for non-objects such as user and group names.",
            P("kind", Str, "Kind of object being referenced. Values defined by this API group are \"User\", \"Group\", and \"ServiceAccount\".").Req(),
            P("apiGroup", Str, "APIGroup holds the API group of the referenced subject. Defaults to \"\" for ServiceAccount subjects. Defaults to \"rbac.authorization.k8s.io\" for User and Group subjects."),
            P("name", Str, "Name of the object being referenced.").Req(),
            P("namespace", Str, "Namespace of the referenced object.  If the object kind is non-namespace, such as \"User\" or \"Group\", and this value is not empty the Authorizer should report an error.")),
        Def(RbacV1 + "RoleRef", "RoleRef contains information that points to the role being used",
            P("apiGroup", Str, "APIGroup is the group for the resource being referenced").Req(),
            P("kind", Str, "Kind is the type of resource being referenced").Req(),
            P("name", Str, "Name is the name of resource being referenced").Req()),
        Kind(SchedulingV1 + "PriorityClass", "scheduling.k8s.io", "v1", "PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer.",
            P("value", I32, "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.").Req(),
            P("globalDefault", Bool, "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`."),
            P("description", Str, "description is an arbitrary string that usually provides guidelines on when this priority class should be used."),
            P("preemptionPolicy", Str, "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.")),
        Kind(PolicyV1 + "PodDisruptionBudget", "policy", "v1", "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods",
            P("spec", Ref(PolicyV1 + "PodDisruptionBudgetSpec"), "Specification of the desired behavior of the PodDisruptionBudget."),
            P("status", Ref(PolicyV1 + "PodDisruptionBudgetStatus"), "Most recently observed status of the PodDisruptionBudget.")),
        Def(PolicyV1 + "PodDisruptionBudgetSpec", "PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.",
            P("minAvailable", IntStr, "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction, i.e. even in the absence of the evicted pod.  So for example you can prevent all voluntary evictions by specifying \"100%\"."),
            P("selector", Meta("LabelSelector"), "Label query over pods whose evictions are managed by the disruption budget. A null selector will match no pods, while an empty ({}) selector will select all pods within the namespace."),
            P("maxUnavailable", IntStr, "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction, i.e. even in absence of the evicted pod. For example, one can prevent all voluntary evictions by specifying 0. This is a mutually exclusive setting with \"minAvailable\"."),
            P("unhealthyPodEvictionPolicy", Str, "UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction. Valid policies are IfHealthyBudget and AlwaysAllow.")),
        Def(PolicyV1 + "PodDisruptionBudgetStatus", "PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. Status may trail the actual state of a system.",
            P("observedGeneration", I64, "Most recent generation observed when updating this PDB status."),
            P("disruptedPods", MapOf(Time), "DisruptedPods contains information about pods whose eviction was processed by the API server eviction subresource handler but has not yet been observed by the PodDisruptionBudget controller."),
            P("disruptionsAllowed", I32, "Number of pod disruptions that are currently allowed.").Req(),
            P("currentHealthy", I32, "current number of healthy pods").Req(),
            P("desiredHealthy", I32, "minimum desired number of healthy pods").Req(),
            P("expectedPods", I32, "total number of pods counted by this disruption budget").Req(),
            Conditions(MetaV1 + "Condition")),
    ];

    private static Property Rules(string description) => P("rules", ListOf(Ref(RbacV1 + "PolicyRule")), description);

    private static Property Subjects() => P("subjects", ListOf(Ref(RbacV1 + "Subject")), "Subjects holds references to the objects the role applies to.");

    private static Property RoleRef(string description) => P("roleRef", Ref(RbacV1 + "RoleRef"), description).Req();
}

using static Cluster.Core.Registry.Schemas.SchemaDsl;

namespace Cluster.Core.Registry.Schemas;

/// <summary>apps/v1 Deployment, ReplicaSet, DaemonSet and StatefulSet (k8s.io/api/apps/v1/types.go, v0.32).</summary>
internal static class AppsV1Schemas
{
    public static IEnumerable<ObjectSchema> Definitions() =>
    [
        Kind(AppsV1 + "Deployment", "apps", "v1", "Deployment enables declarative updates for Pods and ReplicaSets.",
            P("spec", Ref(AppsV1 + "DeploymentSpec"), "Specification of the desired behavior of the Deployment."),
            P("status", Ref(AppsV1 + "DeploymentStatus"), "Most recently observed status of the Deployment.")),
        Def(AppsV1 + "DeploymentSpec", "DeploymentSpec is the specification of the desired behavior of the Deployment.",
            Replicas(),
            Selector(),
            Template(),
            P("strategy", Ref(AppsV1 + "DeploymentStrategy"), "The deployment strategy to use to replace existing pods with new ones.").RetainKeys(),
            MinReadySeconds(),
            RevisionHistoryLimit(),
            P("paused", Bool, "Indicates that the deployment is paused."),
            P("progressDeadlineSeconds", I32, "The maximum time in seconds for a deployment to make progress before it is considered to be failed.")),
        Def(AppsV1 + "DeploymentStrategy", "DeploymentStrategy describes how to replace existing pods with new ones.",
            P("type", Str, "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate."),
            P("rollingUpdate", Ref(AppsV1 + "RollingUpdateDeployment"), "Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.")),
        Def(AppsV1 + "RollingUpdateDeployment", "Spec to control the desired behavior of rolling update.",
            P("maxUnavailable", IntStr, "The maximum number of pods that can be unavailable during the update."),
            P("maxSurge", IntStr, "The maximum number of pods that can be scheduled above the desired number of pods.")),
        Def(AppsV1 + "DeploymentStatus", "DeploymentStatus is the most recently observed status of the Deployment.",
            ObservedGeneration(),
            P("replicas", I32, "Total number of non-terminating pods targeted by this deployment (their labels match the selector)."),
            P("updatedReplicas", I32, "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
            P("readyReplicas", I32, "Total number of non-terminating pods targeted by this Deployment with a Ready Condition."),
            P("availableReplicas", I32, "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
            P("unavailableReplicas", I32, "Total number of unavailable pods targeted by this deployment."),
            Conditions(AppsV1 + "DeploymentCondition"),
            CollisionCount()),
        CoreV1StatusSchemas.Condition(AppsV1 + "DeploymentCondition", "DeploymentCondition describes the state of a deployment at a certain point.", "lastUpdateTime", "lastTransitionTime"),
        Kind(AppsV1 + "ReplicaSet", "apps", "v1", "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
            P("spec", Ref(AppsV1 + "ReplicaSetSpec"), "Spec defines the specification of the desired behavior of the ReplicaSet."),
            P("status", Ref(AppsV1 + "ReplicaSetStatus"), "Status is the most recently observed status of the ReplicaSet.")),
        Def(AppsV1 + "ReplicaSetSpec", "ReplicaSetSpec is the specification of a ReplicaSet.",
            Replicas(), MinReadySeconds(), Selector(), Template() with { Required = false }),
        Def(AppsV1 + "ReplicaSetStatus", "ReplicaSetStatus represents the current status of a ReplicaSet.",
            P("replicas", I32, "Replicas is the most recently observed number of non-terminating pods.").Req(),
            P("fullyLabeledReplicas", I32, "The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset."),
            P("readyReplicas", I32, "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
            P("availableReplicas", I32, "The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set."),
            ObservedGeneration(),
            Conditions(AppsV1 + "ReplicaSetCondition")),
        CoreV1StatusSchemas.Condition(AppsV1 + "ReplicaSetCondition", "ReplicaSetCondition describes the state of a replica set at a certain point.", "lastTransitionTime"),
        Kind(AppsV1 + "DaemonSet", "apps", "v1", "DaemonSet represents the configuration of a daemon set.",
            P("spec", Ref(AppsV1 + "DaemonSetSpec"), "The desired behavior of this daemon set."),
            P("status", Ref(AppsV1 + "DaemonSetStatus"), "The current status of this daemon set.")),
        Def(AppsV1 + "DaemonSetSpec", "DaemonSetSpec is the specification of a daemon set.",
            Selector(), Template(),
            P("updateStrategy", Ref(AppsV1 + "DaemonSetUpdateStrategy"), "An update strategy to replace existing DaemonSet pods with new pods."),
            MinReadySeconds(), RevisionHistoryLimit()),
        Def(AppsV1 + "DaemonSetUpdateStrategy", "DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.",
            P("type", Str, "Type of daemon set update. Can be \"RollingUpdate\" or \"OnDelete\". Default is RollingUpdate."),
            P("rollingUpdate", Ref(AppsV1 + "RollingUpdateDaemonSet"), "Rolling update config params. Present only if type = \"RollingUpdate\".")),
        Def(AppsV1 + "RollingUpdateDaemonSet", "Spec to control the desired behavior of daemon set rolling update.",
            P("maxUnavailable", IntStr), P("maxSurge", IntStr)),
        Def(AppsV1 + "DaemonSetStatus", "DaemonSetStatus represents the current status of a daemon set.",
            P("currentNumberScheduled", I32).Req(), P("numberMisscheduled", I32).Req(),
            P("desiredNumberScheduled", I32).Req(), P("numberReady", I32).Req(),
            ObservedGeneration(),
            P("updatedNumberScheduled", I32), P("numberAvailable", I32), P("numberUnavailable", I32),
            CollisionCount(),
            Conditions(AppsV1 + "DaemonSetCondition")),
        CoreV1StatusSchemas.Condition(AppsV1 + "DaemonSetCondition", "DaemonSetCondition describes the state of a DaemonSet at a certain point.", "lastTransitionTime"),
        Kind(AppsV1 + "StatefulSet", "apps", "v1", "StatefulSet represents a set of pods with consistent identities.",
            P("spec", Ref(AppsV1 + "StatefulSetSpec"), "Spec defines the desired identities of pods in this set."),
            P("status", Ref(AppsV1 + "StatefulSetStatus"), "Status is the current status of Pods in this StatefulSet.")),
        Def(AppsV1 + "StatefulSetSpec", "A StatefulSetSpec is the specification of a StatefulSet.",
            Replicas(), Selector(), Template(),
            P("volumeClaimTemplates", ListOf(V1("PersistentVolumeClaim")), "volumeClaimTemplates is a list of claims that pods are allowed to reference."),
            P("serviceName", Str, "serviceName is the name of the service that governs this StatefulSet."),
            P("podManagementPolicy", Str, "podManagementPolicy controls how pods are created during initial scale up."),
            P("updateStrategy", Ref(AppsV1 + "StatefulSetUpdateStrategy"), "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet."),
            RevisionHistoryLimit(), MinReadySeconds(),
            P("persistentVolumeClaimRetentionPolicy", Ref(AppsV1 + "StatefulSetPersistentVolumeClaimRetentionPolicy")),
            P("ordinals", Ref(AppsV1 + "StatefulSetOrdinals"), "ordinals controls the numbering of replica indices in a StatefulSet.")),
        Def(AppsV1 + "StatefulSetUpdateStrategy", "StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates.",
            P("type", Str), P("rollingUpdate", Ref(AppsV1 + "RollingUpdateStatefulSetStrategy"))),
        Def(AppsV1 + "RollingUpdateStatefulSetStrategy", "RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType.",
            P("partition", I32), P("maxUnavailable", IntStr)),
        Def(AppsV1 + "StatefulSetPersistentVolumeClaimRetentionPolicy", "StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates.",
            P("whenDeleted", Str), P("whenScaled", Str)),
        Def(AppsV1 + "StatefulSetOrdinals", "StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet.",
            P("start", I32)),
        Def(AppsV1 + "StatefulSetStatus", "StatefulSetStatus represents the current state of a StatefulSet.",
            ObservedGeneration(),
            P("replicas", I32).Req(), P("readyReplicas", I32), P("currentReplicas", I32), P("updatedReplicas", I32),
            P("currentRevision", Str), P("updateRevision", Str),
            CollisionCount(),
            Conditions(AppsV1 + "StatefulSetCondition"),
            P("availableReplicas", I32)),
        CoreV1StatusSchemas.Condition(AppsV1 + "StatefulSetCondition", "StatefulSetCondition describes the state of a statefulset at a certain point.", "lastTransitionTime"),
    ];

    private static Property Replicas() => P("replicas", I32, "Number of desired pods.");

    private static Property Selector() => P("selector", Meta("LabelSelector"), "Label selector for pods.").Req();

    private static Property Template() => P("template", V1("PodTemplateSpec"), "Template describes the pods that will be created.").Req();

    private static Property MinReadySeconds() =>
        P("minReadySeconds", I32, "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.");

    private static Property RevisionHistoryLimit() => P("revisionHistoryLimit", I32, "The number of old history to retain to allow rollback.");

    private static Property ObservedGeneration() => P("observedGeneration", I64, "The generation observed by the controller.");

    private static Property CollisionCount() => P("collisionCount", I32, "Count of hash collisions, used as a collision avoidance mechanism when it needs to create the name for the newest revision.");
}

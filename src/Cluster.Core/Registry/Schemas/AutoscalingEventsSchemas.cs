using static Cluster.Core.Registry.Schemas.SchemaDsl;

namespace Cluster.Core.Registry.Schemas;

/// <summary>autoscaling/v2 and autoscaling/v1 HorizontalPodAutoscaler; events.k8s.io/v1 Event.</summary>
internal static class AutoscalingEventsSchemas
{
    private const string V2 = "io.k8s.api.autoscaling.v2.";
    private const string EventsV1 = "io.k8s.api.events.v1.";
    private const string Hpa = "HorizontalPodAutoscaler";

    public static IEnumerable<ObjectSchema> Definitions() => [.. AutoscalingV2(), .. AutoscalingV1Definitions(), .. Events()];

    private static IEnumerable<ObjectSchema> AutoscalingV2() =>
    [
        Kind(V2 + Hpa, "autoscaling", "v2", "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.",
            P("spec", Ref(V2 + Hpa + "Spec"), "spec is the specification for the behaviour of the autoscaler."),
            P("status", Ref(V2 + Hpa + "Status"), "status is the current information about the autoscaler.")),
        Def(V2 + Hpa + "Spec", "HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.",
            P("scaleTargetRef", Ref(V2 + "CrossVersionObjectReference"), "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.").Req(),
            P("minReplicas", I32, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod."),
            P("maxReplicas", I32, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.").Req(),
            P("metrics", ListOf(Ref(V2 + "MetricSpec")), "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
            P("behavior", Ref(V2 + Hpa + "Behavior"), "behavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively).")),
        CrossVersionObjectReference(V2),
        Def(V2 + "MetricSpec", "MetricSpec specifies how to scale based on a single metric (only `type` and one other matching field should be set at once).",
            P("type", Str, "type is the type of metric source.  It should be one of \"ContainerResource\", \"External\", \"Object\", \"Pods\" or \"Resource\", each mapping to a matching field in the object.").Req(),
            P("object", Ref(V2 + "ObjectMetricSource"), "object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object)."),
            P("pods", Ref(V2 + "PodsMetricSource"), "pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second)."),
            P("resource", Ref(V2 + "ResourceMetricSource"), "resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing each pod in the current scale target (e.g. CPU or memory)."),
            P("containerResource", Ref(V2 + "ContainerResourceMetricSource"), "containerResource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod of the current scale target (e.g. CPU or memory)."),
            P("external", Ref(V2 + "ExternalMetricSource"), "external refers to a global metric that is not associated with any Kubernetes object.")),
        Def(V2 + "ObjectMetricSource", "ObjectMetricSource indicates how to scale on a metric describing a kubernetes object (for example, hits-per-second on an Ingress object).",
            P("describedObject", Ref(V2 + "CrossVersionObjectReference"), "describedObject specifies the descriptions of a object,such as kind,name apiVersion").Req(),
            Target(), Metric()),
        Def(V2 + "PodsMetricSource", "PodsMetricSource indicates how to scale on a metric describing each pod in the current scale target (for example, transactions-processed-per-second).", Metric(), Target()),
        Def(V2 + "ResourceMetricSource", "ResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. CPU or memory).",
            P("name", Str, "name is the name of the resource in question.").Req(), Target()),
        Def(V2 + "ContainerResourceMetricSource", "ContainerResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. CPU or memory).",
            P("name", Str, "name is the name of the resource in question.").Req(), Target(),
            P("container", Str, "container is the name of the container in the pods of the scaling target").Req()),
        Def(V2 + "ExternalMetricSource", "ExternalMetricSource indicates how to scale on a metric not associated with any Kubernetes object (for example length of queue in cloud messaging service, or QPS from loadbalancer running outside of cluster).", Metric(), Target()),
        Def(V2 + "MetricIdentifier", "MetricIdentifier defines the name and optionally selector for a metric",
            P("name", Str, "name is the name of the given metric").Req(),
            P("selector", Meta("LabelSelector"), "selector is the string-encoded form of a standard kubernetes label selector for the given metric.")),
        Def(V2 + "MetricTarget", "MetricTarget defines the target value, average value, or average utilization of a specific metric",
            P("type", Str, "type represents whether the metric type is Utilization, Value, or AverageValue").Req(),
            P("value", Qty, "value is the target value of the metric (as a quantity)."),
            P("averageValue", Qty, "averageValue is the target value of the average of the metric across all relevant pods (as a quantity)"),
            P("averageUtilization", I32, "averageUtilization is the target value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods.")),
        Def(V2 + Hpa + "Behavior", "HorizontalPodAutoscalerBehavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively).",
            P("scaleUp", Ref(V2 + "HPAScalingRules"), "scaleUp is scaling policy for scaling Up."),
            P("scaleDown", Ref(V2 + "HPAScalingRules"), "scaleDown is scaling policy for scaling Down.")),
        Def(V2 + "HPAScalingRules", "HPAScalingRules configures the scaling behavior for one direction via scaling Policy Rules and a configurable metric tolerance.",
            P("stabilizationWindowSeconds", I32, "stabilizationWindowSeconds is the number of seconds for which past recommendations should be considered while scaling up or scaling down."),
            P("selectPolicy", Str, "selectPolicy is used to specify which policy should be used. If not set, the default value Max is used."),
            P("policies", ListOf(Ref(V2 + "HPAScalingPolicy")), "policies is a list of potential scaling polices which can be used during scaling.")),
        Def(V2 + "HPAScalingPolicy", "HPAScalingPolicy is a single policy which must hold true for a specified past interval.",
            P("type", Str, "type is used to specify the scaling policy.").Req(),
            P("value", I32, "value contains the amount of change which is permitted by the policy. It must be greater than zero").Req(),
            P("periodSeconds", I32, "periodSeconds specifies the window of time for which the policy should hold true. PeriodSeconds must be greater than zero and less than or equal to 1800 (30 min).").Req()),
        Def(V2 + Hpa + "Status", "HorizontalPodAutoscalerStatus describes the current status of a horizontal pod autoscaler.",
            P("observedGeneration", I64, "observedGeneration is the most recent generation observed by this autoscaler."),
            P("lastScaleTime", Time, "lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods, used by the autoscaler to control how often the number of pods is changed."),
            P("currentReplicas", I32, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            P("desiredReplicas", I32, "desiredReplicas is the desired number of replicas of pods managed by this autoscaler, as last calculated by the autoscaler.").Req(),
            P("currentMetrics", ListOf(Ref(V2 + "MetricStatus")), "currentMetrics is the last read state of the metrics used by this autoscaler."),
            Conditions(V2 + Hpa + "Condition")),
        Def(V2 + "MetricStatus", "MetricStatus describes the last-read state of a single metric.",
            P("type", Str, "type is the type of metric source.").Req(),
            P("object", Ref(V2 + "ObjectMetricStatus"), "object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object)."),
            P("pods", Ref(V2 + "PodsMetricStatus"), "pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second)."),
            P("resource", Ref(V2 + "ResourceMetricStatus"), "resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing each pod in the current scale target (e.g. CPU or memory)."),
            P("containerResource", Ref(V2 + "ContainerResourceMetricStatus"), "container resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod in the current scale target (e.g. CPU or memory)."),
            P("external", Ref(V2 + "ExternalMetricStatus"), "external refers to a global metric that is not associated with any Kubernetes object.")),
        Def(V2 + "ObjectMetricStatus", "ObjectMetricStatus indicates the current value of a metric describing a kubernetes object (for example, hits-per-second on an Ingress object).",
            Metric(), Current(), P("describedObject", Ref(V2 + "CrossVersionObjectReference"), "DescribedObject specifies the descriptions of a object,such as kind,name apiVersion").Req()),
        Def(V2 + "PodsMetricStatus", "PodsMetricStatus indicates the current value of a metric describing each pod in the current scale target (for example, transactions-processed-per-second).", Metric(), Current()),
        Def(V2 + "ResourceMetricStatus", "ResourceMetricStatus indicates the current value of a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. CPU or memory).",
            P("name", Str, "name is the name of the resource in question.").Req(), Current()),
        Def(V2 + "ContainerResourceMetricStatus", "ContainerResourceMetricStatus indicates the current value of a resource metric known to Kubernetes, as specified in requests and limits, describing a single container in each pod in the current scale target (e.g. CPU or memory).",
            P("name", Str, "name is the name of the resource in question.").Req(), Current(),
            P("container", Str, "container is the name of the container in the pods of the scaling target").Req()),
        Def(V2 + "ExternalMetricStatus", "ExternalMetricStatus indicates the current value of a global metric not associated with any Kubernetes object.", Metric(), Current()),
        Def(V2 + "MetricValueStatus", "MetricValueStatus holds the current value for a metric",
            P("value", Qty, "value is the current value of the metric (as a quantity)."),
            P("averageValue", Qty, "averageValue is the current value of the average of the metric across all relevant pods (as a quantity)"),
            P("averageUtilization", I32, "currentAverageUtilization is the current value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods.")),
        Condition(V2),
    ];

    private static IEnumerable<ObjectSchema> AutoscalingV1Definitions() =>
    [
        Kind(AutoscalingV1 + Hpa, "autoscaling", "v1", "configuration of a horizontal pod autoscaler.",
            P("spec", Ref(AutoscalingV1 + Hpa + "Spec"), "spec defines the behaviour of autoscaler."),
            P("status", Ref(AutoscalingV1 + Hpa + "Status"), "status is the current information about the autoscaler.")),
        Def(AutoscalingV1 + Hpa + "Spec", "specification of a horizontal pod autoscaler.",
            P("scaleTargetRef", Ref(AutoscalingV1 + "CrossVersionObjectReference"), "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.").Req(),
            P("minReplicas", I32, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod."),
            P("maxReplicas", I32, "maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.").Req(),
            P("targetCPUUtilizationPercentage", I32, "targetCPUUtilizationPercentage is the target average CPU utilization (represented as a percentage of requested CPU) over all the pods; if not specified the default autoscaling policy will be used.")),
        CrossVersionObjectReference(AutoscalingV1),
        Def(AutoscalingV1 + Hpa + "Status", "current status of a horizontal pod autoscaler",
            P("observedGeneration", I64, "observedGeneration is the most recent generation observed by this autoscaler."),
            P("lastScaleTime", Time, "lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods; used by the autoscaler to control how often the number of pods is changed."),
            P("currentReplicas", I32, "currentReplicas is the current number of replicas of pods managed by this autoscaler.").Req(),
            P("desiredReplicas", I32, "desiredReplicas is the  desired number of replicas of pods managed by this autoscaler.").Req(),
            P("currentCPUUtilizationPercentage", I32, "currentCPUUtilizationPercentage is the current average CPU utilization over all pods, represented as a percentage of requested CPU, e.g. 70 means that an average pod is using now 70% of its requested CPU.")),
    ];

    private static IEnumerable<ObjectSchema> Events() =>
    [
        Kind(EventsV1 + "Event", "events.k8s.io", "v1", "Event is a report of an event somewhere in the cluster. It generally denotes some state change in the system. Events have a limited retention time and triggers and messages may evolve with time.",
            P("eventTime", MicroTime, "eventTime is the time when this Event was first observed. It is required.").Req(),
            P("series", Ref(EventsV1 + "EventSeries"), "series is data about the Event series this event represents or nil if it's a singleton Event."),
            P("reportingController", Str, "reportingController is the name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`. This field cannot be empty for new Events."),
            P("reportingInstance", Str, "reportingInstance is the ID of the controller instance, e.g. `kubelet-xyzf`. This field cannot be empty for new Events and it can have at most 128 characters."),
            P("action", Str, "action is what action was taken/failed regarding to the regarding object. It is machine-readable. This field cannot be empty for new Events and it can have at most 128 characters."),
            P("reason", Str, "reason is why the action was taken. It is human-readable. This field cannot be empty for new Events and it can have at most 128 characters."),
            P("regarding", V1("ObjectReference"), "regarding contains the object this Event is about. In most cases it's an Object reporting controller implements, e.g. ReplicaSetController implements ReplicaSets and this event is emitted because it acts on some changes in a ReplicaSet object."),
            P("related", V1("ObjectReference"), "related is the optional secondary object for more complex actions. E.g. when regarding object triggers a creation or deletion of related object."),
            P("note", Str, "note is a human-readable description of the status of this operation. Maximal length of the note is 1kB, but libraries should be prepared to handle values up to 64kB."),
            P("type", Str, "type is the type of this event (Normal, Warning), new types could be added in the future. It is machine-readable. This field cannot be empty for new Events."),
            P("deprecatedSource", V1("EventSource"), "deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type."),
            P("deprecatedFirstTimestamp", Time, "deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type."),
            P("deprecatedLastTimestamp", Time, "deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type."),
            P("deprecatedCount", I32, "deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type.")),
        Def(EventsV1 + "EventSeries", "EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time. How often to update the EventSeries is up to the event reporters.",
            P("count", I32, "count is the number of occurrences in this series up to the last heartbeat time.").Req(),
            P("lastObservedTime", MicroTime, "lastObservedTime is the time when last Event from the series was seen before last heartbeat.").Req()),
    ];

    private static ObjectSchema CrossVersionObjectReference(string prefix) =>
        Def(prefix + "CrossVersionObjectReference", "CrossVersionObjectReference contains enough information to let you identify the referred resource.",
            P("kind", Str, "kind is the kind of the referent; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds").Req(),
            P("name", Str, "name is the name of the referent; More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names").Req(),
            P("apiVersion", Str, "apiVersion is the API version of the referent"));

    private static ObjectSchema Condition(string prefix) =>
        Def(prefix + Hpa + "Condition", "HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscaler at a certain point.",
            [
                P("type", Str, "type describes the current condition").Req(),
                P("status", Str, "status is the status of the condition (True, False, Unknown)").Req(),
                .. ConditionTail(P("lastTransitionTime", Time, "lastTransitionTime is the last time the condition transitioned from one status to another")),
            ]);

    private static Property Metric() => P("metric", Ref(V2 + "MetricIdentifier"), "metric identifies the target metric by name and selector").Req();

    private static Property Target() => P("target", Ref(V2 + "MetricTarget"), "target specifies the target value for the given metric").Req();

    private static Property Current() => P("current", Ref(V2 + "MetricValueStatus"), "current contains the current value for the given metric").Req();
}

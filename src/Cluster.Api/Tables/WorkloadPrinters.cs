using System.Globalization;
using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>
/// Rows of the apps/v1 and batch/v1 controllers. Fields the API server always defaults (replicas 1,
/// suspend false) print as their defaults when absent, so a stored object without defaulting still
/// looks the same as it would against Kubernetes.
/// </summary>
internal static class WorkloadPrinters
{
    private const string JobSelectorDoc = "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";

    public static ITableConverter Deployment { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Ready", "Number of the pod with ready state"),
        Columns.Str("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        Columns.Str("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        Columns.Age,
        .. Columns.Template("Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
    ], (obj, now) =>
    [
        Name(obj), ReadyOf(Int(obj, "status", "readyReplicas"), Replicas(obj)), Int(obj, "status", "updatedReplicas"),
        Int(obj, "status", "availableReplicas"), Age(obj, now),
        .. Columns.TemplateCells(PodSpec(obj), SelectorFormat.Render(At(obj, "spec", "selector")) ?? "<invalid>"),
    ]);

    public static ITableConverter ReplicaSet { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Int("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
        Columns.Int("Current", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
        Columns.Int("Ready", "The number of ready replicas for this replica set. A pod is ready when it has been ready for at least minReadySeconds."),
        Columns.Age,
        .. Columns.Template(Columns.SelectorDoc),
    ], (obj, now) =>
    [
        Name(obj), Replicas(obj), Int(obj, "status", "replicas"), Int(obj, "status", "readyReplicas"), Age(obj, now),
        .. Columns.TemplateCells(PodSpec(obj), SelectorFormat.Selector(At(obj, "spec", "selector"))),
    ]);

    public static ITableConverter DaemonSet { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Int("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        Columns.Int("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        Columns.Int("Ready", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
        Columns.Int("Up-to-date", "The total number of nodes that are running updated daemon pod"),
        Columns.Int("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        Columns.Str("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
        Columns.Age,
        .. Columns.Template("A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
    ], (obj, now) =>
    [
        Name(obj), Int(obj, "status", "desiredNumberScheduled"), Int(obj, "status", "currentNumberScheduled"),
        Int(obj, "status", "numberReady"), Int(obj, "status", "updatedNumberScheduled"), Int(obj, "status", "numberAvailable"),
        SelectorFormat.Labels(At(PodSpec(obj), "nodeSelector")), Age(obj, now),
        .. Columns.TemplateCells(PodSpec(obj), SelectorFormat.Selector(At(obj, "spec", "selector"))),
    ]);

    public static ITableConverter StatefulSet { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Ready", "Number of the pod with ready state"),
        Columns.Age,
        Columns.Containers,
        Columns.Images,
    ], (obj, now) =>
    {
        var (names, images) = Columns.Layout(PodSpec(obj));
        return [Name(obj), ReadyOf(Int(obj, "status", "readyReplicas"), Replicas(obj)), Age(obj, now), names, images];
    });

    /// <summary>The scale subresource's autoscaling/v1 Scale (kubectl get --subresource=scale).</summary>
    public static ITableConverter Scale { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Int("Desired", "replicas is the desired number of instances for the scaled object."),
            Columns.Int("Available", "replicas is the actual number of observed instances of the scaled object."),
            Columns.Age,
        ],
        (obj, now) => [Name(obj), Int(obj, "spec", "replicas"), Int(obj, "status", "replicas"), Age(obj, now)]);

    public static ITableConverter Job { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Status", "Status of the job."),
        Columns.Str("Completions", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
        Columns.Str("Duration", "Time required to complete the job."),
        Columns.Age,
        .. Columns.Template(JobSelectorDoc),
    ], JobCells);

    public static ITableConverter CronJob { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        Columns.Str("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process."),
        new("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.", 0),
        Columns.Int("Active", "A list of pointers to currently running jobs."),
        Columns.Str("Last Schedule", "Information when was the last time the job was successfully scheduled."),
        Columns.Age,
        .. Columns.Template(JobSelectorDoc),
    ], (obj, now) =>
    {
        var jobSpec = At(obj, "spec", "jobTemplate", "spec");
        var lastSchedule = Time(obj, "status", "lastScheduleTime") is { } t ? Since(t, now) : "<none>";
        return
        [
            Name(obj), Str(obj, "spec", "schedule"), OrNone(Str(obj, "spec", "timeZone")),
            BoolOrNull(obj, "spec", "suspend") == true ? "True" : "False",
            (long)Count(obj, "status", "active"), lastSchedule, Age(obj, now),
            .. Columns.TemplateCells(At(jobSpec, "template", "spec"), SelectorFormat.Selector(At(jobSpec, "selector"))),
        ];
    });

    private static object?[] JobCells(JsonObject obj, DateTimeOffset now)
    {
        var succeeded = Int(obj, "status", "succeeded");
        string completions;
        if (IntOrNull(obj, "spec", "completions") is { } wanted)
        {
            completions = string.Create(CultureInfo.InvariantCulture, $"{succeeded}/{wanted}");
        }
        else
        {
            var parallelism = Int(obj, "spec", "parallelism");
            completions = parallelism > 1
                ? string.Create(CultureInfo.InvariantCulture, $"{succeeded}/1 of {parallelism}")
                : string.Create(CultureInfo.InvariantCulture, $"{succeeded}/1");
        }

        var start = Time(obj, "status", "startTime");
        var duration = start is null ? "" : HumanDuration.Format((Time(obj, "status", "completionTime") ?? now) - start.Value);

        var conditions = Objects(obj, "status", "conditions").ToArray();
        var status = HasCondition(conditions, "Complete") ? "Complete"
            : HasCondition(conditions, "Failed") ? "Failed"
            : Str(obj, "metadata", "deletionTimestamp").Length > 0 ? "Terminating"
            : HasCondition(conditions, "Suspended") ? "Suspended"
            : HasCondition(conditions, "FailureTarget") ? "FailureTarget"
            : "Running";

        return
        [
            Name(obj), status, completions, duration, Age(obj, now),
            .. Columns.TemplateCells(PodSpec(obj), SelectorFormat.Selector(At(obj, "spec", "selector"))),
        ];
    }

    // hasJobCondition: the first condition of the type decides.
    private static bool HasCondition(JsonObject[] conditions, string type) =>
        conditions.FirstOrDefault(c => Str(c, "type") == type) is { } c && Str(c, "status") == "True";

    private static JsonNode? PodSpec(JsonObject obj) => At(obj, "spec", "template", "spec");

    private static long Replicas(JsonObject obj) => IntOrNull(obj, "spec", "replicas") ?? 1;

    private static string ReadyOf(long ready, long desired) => string.Create(CultureInfo.InvariantCulture, $"{ready}/{desired}");
}

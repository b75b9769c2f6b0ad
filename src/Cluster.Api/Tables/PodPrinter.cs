using System.Globalization;
using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>
/// The Pod row of pkg/printers/internalversion printPod: READY counts, the aggregate STATUS (init
/// progress, container waiting/terminated reasons, Completed vs Running, Terminating, Unknown for pods
/// on a lost node) and RESTARTS with the time of the last restart.
/// </summary>
internal static class PodPrinter
{
    private const string NodeUnreachablePodReason = "NodeLost";

    public static ITableConverter Converter { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Columns.Str("Status", "The aggregate status of the containers in this pod."),
        Columns.Str("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Columns.Age,
        Columns.Wide("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
        Columns.Wide("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"),
        Columns.Wide("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled."),
        Columns.Wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates"),
    ], Cells);

    private static object?[] Cells(JsonObject pod, DateTimeOffset now)
    {
        var spec = Obj(pod, "spec");
        var status = Obj(pod, "status");
        var conditions = Objects(status, "conditions").ToArray();
        var phase = Str(status, "phase");
        var reason = Str(status, "reason") is { Length: > 0 } r ? r : phase;

        if (conditions.Any(c => Str(c, "type") == "PodScheduled" && Str(c, "reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var initSpecs = Objects(spec, "initContainers").ToArray();
        var restartableInit = initSpecs.Where(c => Str(c, "restartPolicy") == "Always").Select(c => Str(c, "name")).ToHashSet(StringComparer.Ordinal);
        var total = Count(spec, "containers") + restartableInit.Count;
        var ready = 0;
        long restarts = 0;
        long restartableInitRestarts = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastRestartableInitRestart = null;

        var initializing = false;
        var index = 0;
        foreach (var container in Objects(status, "initContainerStatuses"))
        {
            var restartable = restartableInit.Contains(Str(container, "name"));
            restarts += Int(container, "restartCount");
            lastRestart = Later(lastRestart, Time(container, "lastState", "terminated", "finishedAt"));
            if (restartable)
            {
                restartableInitRestarts += Int(container, "restartCount");
                lastRestartableInitRestart = Later(lastRestartableInitRestart, Time(container, "lastState", "terminated", "finishedAt"));
            }

            var terminated = Obj(container, "state", "terminated");
            var waitingReason = Str(container, "state", "waiting", "reason");
            if (terminated is not null && Int(terminated, "exitCode") == 0)
            {
                index++;
                continue;
            }

            if (restartable && Bool(container, "started"))
            {
                if (Bool(container, "ready"))
                {
                    ready++;
                }

                index++;
                continue;
            }

            if (terminated is not null)
            {
                reason = "Init:" + TerminatedReason(terminated);
            }
            else if (Obj(container, "state", "waiting") is not null && waitingReason.Length > 0 && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"Init:{index}/{initSpecs.Length}");
            }

            initializing = true;
            break;
        }

        if (!initializing || conditions.FirstOrDefault(c => Str(c, "type") == "Initialized") is { } init && Str(init, "status") == "True")
        {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            var hasRunning = false;
            foreach (var container in Objects(status, "containerStatuses").Reverse())
            {
                restarts += Int(container, "restartCount");
                lastRestart = Later(lastRestart, Time(container, "lastState", "terminated", "finishedAt"));
                var waitingReason = Str(container, "state", "waiting", "reason");
                var terminated = Obj(container, "state", "terminated");
                if (Obj(container, "state", "waiting") is not null && waitingReason.Length > 0)
                {
                    reason = waitingReason;
                }
                else if (terminated is not null)
                {
                    reason = TerminatedReason(terminated);
                }
                else if (Bool(container, "ready") && Obj(container, "state", "running") is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }

            // A pod with one container still running is not Completed.
            if (reason == "Completed" && hasRunning)
            {
                reason = conditions.Any(c => Str(c, "type") == "Ready" && Str(c, "status") == "True") ? "Running" : "NotReady";
            }
        }

        if (Str(pod, "metadata", "deletionTimestamp").Length > 0)
        {
            if (Str(status, "reason") == NodeUnreachablePodReason)
            {
                reason = "Unknown";
            }
            else if (phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }

        var restartsText = restarts != 0 && lastRestart is not null
            ? string.Create(CultureInfo.InvariantCulture, $"{restarts} ({Since(lastRestart, now)} ago)")
            : restarts.ToString(CultureInfo.InvariantCulture);

        return
        [
            Name(pod),
            string.Create(CultureInfo.InvariantCulture, $"{ready}/{total}"),
            reason,
            restartsText,
            Age(pod, now),
            OrNone(PodIp(status)),
            OrNone(Str(spec, "nodeName")),
            OrNone(Str(status, "nominatedNodeName")),
            ReadinessGates(spec, conditions),
        ];
    }

    /// <summary>The reason of a terminated state, or Signal:n / ExitCode:n when the runtime gave none.</summary>
    private static string TerminatedReason(JsonObject terminated)
    {
        if (Str(terminated, "reason") is { Length: > 0 } reason)
        {
            return reason;
        }

        var signal = Int(terminated, "signal");
        return signal != 0
            ? string.Create(CultureInfo.InvariantCulture, $"Signal:{signal}")
            : string.Create(CultureInfo.InvariantCulture, $"ExitCode:{Int(terminated, "exitCode")}");
    }

    private static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is { } c && (current is null || current < c) ? c : current;

    // The internal PodStatus only has podIPs; conversion from v1 fills it from podIP when absent.
    private static string PodIp(JsonObject? status) =>
        Objects(status, "podIPs").FirstOrDefault() is { } first ? Str(first, "ip") : Str(status, "podIP");

    private static string ReadinessGates(JsonObject? spec, JsonObject[] conditions)
    {
        var gates = Objects(spec, "readinessGates").ToArray();
        if (gates.Length == 0)
        {
            return "<none>";
        }

        var trueConditions = gates.Count(g =>
            conditions.FirstOrDefault(c => Str(c, "type") == Str(g, "conditionType")) is { } c && Str(c, "status") == "True");
        return string.Create(CultureInfo.InvariantCulture, $"{trueConditions}/{gates.Length}");
    }
}

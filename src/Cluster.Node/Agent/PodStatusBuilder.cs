using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// A pod's status from its containers as the runtime shows them (the kubelet's generateAPIPodStatus and getPhase):
/// phase, the PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady and Ready conditions, IPs, and a
/// status per container with its state, last termination and restart count. Pure.
/// </summary>
public static class PodStatusBuilder
{
    public static V1PodStatus Build(
        V1Pod pod,
        IReadOnlyList<RuntimeContainer> containers,
        IReadOnlyDictionary<string, (string Reason, string Message)> waiting,
        string hostIp,
        DateTimeOffset startTime,
        DateTimeOffset now,
        IReadOnlyDictionary<string, (bool Started, bool Ready)>? probes = null)
    {
        var sandbox = containers.Where(c => c.IsSandbox).MaxBy(c => c.Attempt);
        var sandboxReady = sandbox is { State: ContainerRunState.Running };
        var current = sandbox is null ? [] : containers.Where(c => c.SandboxId == sandbox.Id || c.IsSandbox).ToList();
        var initStatuses = (pod.Spec.InitContainers ?? []).Select(c => ContainerStatus(c, containers, waiting, initializing: false, probes)).ToList();
        var initialized = (pod.Spec.InitContainers ?? []).All(c => PodPlanner.Latest(current, c.Name) is { State: ContainerRunState.Exited, ExitCode: 0 });
        var appStatuses = pod.Spec.Containers.Select(c => ContainerStatus(c, containers, waiting, initializing: !initialized, probes)).ToList();
        var allReady = appStatuses.All(s => s.Ready);
        var podIp = pod.Spec.HostNetwork == true ? hostIp : sandbox?.IpAddress;
        var old = pod.Status;
        var conditions = new List<V1PodCondition>
        {
            Condition(old, "PodReadyToStartContainers", sandboxReady, now),
            Condition(old, "Initialized", initialized, now, initialized ? null : "ContainersNotInitialized", initialized ? null : "containers with incomplete status: [" + string.Join(" ", initStatuses.Where(s => s.State?.Terminated?.ExitCode != 0).Select(s => s.Name)) + "]"),
            Condition(old, "Ready", allReady, now, allReady ? null : "ContainersNotReady", allReady ? null : NotReady(appStatuses)),
            Condition(old, "ContainersReady", allReady, now, allReady ? null : "ContainersNotReady", allReady ? null : NotReady(appStatuses)),
            Condition(old, "PodScheduled", true, now),
        };
        return new V1PodStatus
        {
            Phase = Phase(pod, initialized, initStatuses, appStatuses),
            Conditions = conditions,
            HostIP = hostIp,
            HostIPs = [new V1HostIP { Ip = hostIp }],
            PodIP = string.IsNullOrEmpty(podIp) ? null : podIp,
            PodIPs = string.IsNullOrEmpty(podIp) ? null : [new V1PodIP { Ip = podIp }],
            StartTime = Seconds(startTime),
            QosClass = old?.QosClass,
            InitContainerStatuses = initStatuses.Count > 0 ? initStatuses : null,
            ContainerStatuses = appStatuses,
        };
    }

    /// <summary>getPhase: Pending until every container has started; Running while one runs or will restart; Succeeded or Failed when all are done for good.</summary>
    private static string Phase(V1Pod pod, bool initialized, List<V1ContainerStatus> init, List<V1ContainerStatus> apps)
    {
        var policy = pod.Spec.RestartPolicy ?? "Always";
        if (!initialized)
        {
            var failedInit = init.Any(s => s.State?.Terminated is { ExitCode: not 0 });
            return failedInit && policy == "Never" ? "Failed" : "Pending";
        }

        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var status in apps)
        {
            if (status.State?.Running is not null)
            {
                running++;
            }
            else if (status.State?.Terminated is { } terminated)
            {
                stopped++;
                succeeded += terminated.ExitCode == 0 ? 1 : 0;
            }
            else if (status.LastState?.Terminated is not null)
            {
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        if (waiting > 0)
        {
            return "Pending";
        }

        if (running > 0)
        {
            return "Running";
        }

        return policy switch
        {
            "Always" => "Running",
            "OnFailure" => stopped == succeeded ? "Succeeded" : "Running",
            _ => stopped == succeeded ? "Succeeded" : "Failed",
        };
    }

    private static V1ContainerStatus ContainerStatus(
        V1Container spec, IReadOnlyList<RuntimeContainer> containers, IReadOnlyDictionary<string, (string Reason, string Message)> waiting, bool initializing,
        IReadOnlyDictionary<string, (bool Started, bool Ready)>? probes)
    {
        var instances = containers.Where(c => !c.IsSandbox && c.Name == spec.Name).OrderByDescending(c => c.Attempt).ToList();
        var latest = instances.FirstOrDefault();
        var previous = instances.Skip(1).FirstOrDefault();
        var status = new V1ContainerStatus
        {
            Name = spec.Name,
            Image = spec.Image,
            ImageID = latest is null ? "" : "docker://" + latest.ImageId,
            ContainerID = latest?.ContainerId,
            RestartCount = latest?.Attempt ?? 0,
            Ready = latest?.State == ContainerRunState.Running && (probes is null || !probes.TryGetValue(latest.Id, out var probed) || probed.Ready),
            Started = latest?.State == ContainerRunState.Running && (probes is null || !probes.TryGetValue(latest.Id, out var began) || began.Started),
            LastState = new V1ContainerState(),
        };
        if (waiting.TryGetValue(spec.Name, out var why))
        {
            // Waiting to restart: the state says why, the last state what happened.
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Message = why.Message, Reason = why.Reason } };
            if (latest is { State: ContainerRunState.Exited })
            {
                status.LastState = new V1ContainerState { Terminated = Terminated(latest) };
            }

            return status;
        }

        status.State = latest?.State switch
        {
            ContainerRunState.Running => new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Seconds(latest.StartedAt) } },
            ContainerRunState.Exited => new V1ContainerState { Terminated = Terminated(latest) },
            _ => new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = initializing ? "PodInitializing" : "ContainerCreating" } },
        };
        if (previous is { State: ContainerRunState.Exited })
        {
            status.LastState = new V1ContainerState { Terminated = Terminated(previous) };
        }

        return status;
    }

    /// <summary>dockershim's conversion: OOMKilled, Completed or Error; a container that never ran is ContainerCannotRun.</summary>
    private static V1ContainerStateTerminated Terminated(RuntimeContainer c)
    {
        var neverRan = c.FinishedAt is null;
        var reason = neverRan ? "ContainerCannotRun" : c.OomKilled ? "OOMKilled" : c.ExitCode == 0 ? "Completed" : "Error";
        return new V1ContainerStateTerminated
        {
            ExitCode = (int)c.ExitCode,
            Reason = reason,
            Message = c.Error,
            StartedAt = Seconds(c.StartedAt ?? c.CreatedAt),
            FinishedAt = Seconds(c.FinishedAt ?? c.CreatedAt),
            ContainerID = c.ContainerId,
        };
    }

    /// <summary>A metav1.Time: whole seconds, as the API serializes it.</summary>
    public static DateTime? Seconds(DateTimeOffset? time) =>
        time is { } t ? new DateTime(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc) : null;

    private static string NotReady(List<V1ContainerStatus> statuses) =>
        "containers with unready status: [" + string.Join(" ", statuses.Where(s => !s.Ready).Select(s => s.Name)) + "]";

    /// <summary>A condition whose lastTransitionTime moves only when its status does.</summary>
    private static V1PodCondition Condition(V1PodStatus? old, string type, bool value, DateTimeOffset now, string? reason = null, string? message = null)
    {
        var status = value ? "True" : "False";
        var previous = old?.Conditions?.FirstOrDefault(c => c.Type == type);
        var since = previous?.Status == status && previous.LastTransitionTime is { } t ? t : Seconds(now);
        return new V1PodCondition { Status = status, Type = type, LastTransitionTime = since, Message = message, Reason = reason };
    }
}

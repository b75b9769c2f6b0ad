using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>What a pod's worker does next (one step of the kubelet's syncPod).</summary>
public abstract record PodAction
{
    private PodAction()
    {
    }

    /// <summary>Nothing to do until something changes.</summary>
    public sealed record Wait : PodAction
    {
        public static readonly Wait Instance = new();
    }

    /// <summary>A new infra container (attempt <paramref name="Attempt"/>); the containers still running in the old one are stopped first.</summary>
    public sealed record CreateSandbox(int Attempt, IReadOnlyList<RuntimeContainer> StopFirst) : PodAction;

    /// <summary>Start these containers in the running sandbox (at most one init container; all app containers that are due).</summary>
    public sealed record StartContainers(RuntimeContainer Sandbox, IReadOnlyList<(V1Container Container, int RestartCount, bool Init)> Containers) : PodAction;

    /// <summary>Stop these running containers (apps first, the sandbox last): the pod is being deleted or has finished.</summary>
    public sealed record Stop(IReadOnlyList<RuntimeContainer> Running) : PodAction;

    /// <summary>The deleted pod's containers are all stopped: remove them and let the pod object go.</summary>
    public sealed record Finish(IReadOnlyList<RuntimeContainer> Remove) : PodAction;
}

/// <summary>
/// Decides a pod's next step from the pod object and its containers as the runtime shows them, the way the kubelet's
/// computePodActions does. Pure: the worker carries out what it says and asks again.
/// <code>
///   no sandbox ──▶ CreateSandbox ──▶ init containers, one at a time, each to exit 0 ──▶ app containers ──▶ running
///        ▲                                                                                    │ exited: restart per
///        └──── sandbox died (its containers are stopped, a new attempt starts over) ◀─────────┘ policy, with back-off
///   deletionTimestamp (any state) ──▶ Stop running containers ──▶ Finish (remove them, delete the pod object)
/// </code>
/// </summary>
public static class PodPlanner
{
    /// <summary>The next action, and for containers that must wait, why (CrashLoopBackOff with its message).</summary>
    public static (PodAction Action, IReadOnlyDictionary<string, (string Reason, string Message)> Waiting) Next(
        V1Pod pod, IReadOnlyList<RuntimeContainer> containers, CrashLoopBackoff backoff, DateTimeOffset now)
    {
        var waiting = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var running = containers.Where(c => c.State == ContainerRunState.Running).OrderBy(c => c.IsSandbox).ToList();
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return (running.Count > 0 ? new PodAction.Stop(running) : new PodAction.Finish(containers), waiting);
        }

        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return (running.Count > 0 ? new PodAction.Stop(running) : PodAction.Wait.Instance, waiting);
        }

        var sandbox = containers.Where(c => c.IsSandbox).MaxBy(c => c.Attempt);
        var hostNetwork = pod.Spec.HostNetwork == true;
        if (sandbox is null || sandbox.State != ContainerRunState.Running || (!hostNetwork && string.IsNullOrEmpty(sandbox.IpAddress)))
        {
            if (sandbox is not null && AllDone(pod, containers.Where(c => c.SandboxId == sandbox.Id).ToList()))
            {
                return (PodAction.Wait.Instance, waiting);
            }

            return (new PodAction.CreateSandbox(sandbox is null ? 0 : sandbox.Attempt + 1, running.Where(c => !c.IsSandbox).ToList()), waiting);
        }

        // Only this sandbox's containers count: a new sandbox runs the init containers again.
        var current = containers.Where(c => c.SandboxId == sandbox.Id).ToList();
        var restartPolicy = pod.Spec.RestartPolicy ?? "Always";
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            var latest = Latest(current, init.Name);
            if (latest is null)
            {
                return (new PodAction.StartContainers(sandbox, [(init, 0, true)]), waiting);
            }

            if (latest.State != ContainerRunState.Exited)
            {
                return (PodAction.Wait.Instance, waiting);
            }

            if (latest.ExitCode == 0)
            {
                continue;
            }

            // A failed init container is retried (with back-off) unless the pod never restarts anything: then the pod has failed.
            if (restartPolicy == "Never")
            {
                return (PodAction.Wait.Instance, waiting);
            }

            return Restart(pod, sandbox, init, latest, init: true, backoff, now, waiting);
        }

        var start = new List<(V1Container, int, bool)>();
        foreach (var app in pod.Spec.Containers)
        {
            var latest = Latest(current, app.Name);
            if (latest is null)
            {
                start.Add((app, NextAttempt(containers, app.Name), false));
            }
            else if (latest.State == ContainerRunState.Exited && ShouldRestart(restartPolicy, latest.ExitCode))
            {
                var remaining = backoff.Remaining(app.Name, latest.FinishedAt ?? latest.CreatedAt, now);
                if (remaining > TimeSpan.Zero)
                {
                    waiting[app.Name] = CrashLoop(pod, app.Name, backoff);
                }
                else
                {
                    start.Add((app, latest.Attempt + 1, false));
                }
            }
        }

        return (start.Count > 0 ? new PodAction.StartContainers(sandbox, start) : PodAction.Wait.Instance, waiting);
    }

    /// <summary>Whether an exited container starts again under the pod's restartPolicy.</summary>
    public static bool ShouldRestart(string restartPolicy, long exitCode) => restartPolicy switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    /// <summary>The kubelet's CrashLoopBackOff waiting reason and message.</summary>
    public static (string Reason, string Message) CrashLoop(V1Pod pod, string container, CrashLoopBackoff backoff) =>
        ("CrashLoopBackOff", $"back-off {Go(backoff.Current(container))} restarting failed container={container} pod={pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})");

    private static (PodAction, IReadOnlyDictionary<string, (string, string)>) Restart(
        V1Pod pod, RuntimeContainer sandbox, V1Container container, RuntimeContainer latest, bool init, CrashLoopBackoff backoff, DateTimeOffset now, Dictionary<string, (string, string)> waiting)
    {
        if (backoff.Remaining(container.Name, latest.FinishedAt ?? latest.CreatedAt, now) > TimeSpan.Zero)
        {
            waiting[container.Name] = CrashLoop(pod, container.Name, backoff);
            return (PodAction.Wait.Instance, waiting);
        }

        return (new PodAction.StartContainers(sandbox, [(container, latest.Attempt + 1, init)]), waiting);
    }

    /// <summary>Every app container of the sandbox has exited and none restarts: the pod has finished.</summary>
    private static bool AllDone(V1Pod pod, IReadOnlyList<RuntimeContainer> current)
    {
        var policy = pod.Spec.RestartPolicy ?? "Always";
        return pod.Spec.Containers.All(c => Latest(current, c.Name) is { State: ContainerRunState.Exited } latest && !ShouldRestart(policy, latest.ExitCode));
    }

    /// <summary>The newest instance of an app or init container (the highest restart count).</summary>
    public static RuntimeContainer? Latest(IReadOnlyList<RuntimeContainer> containers, string name) =>
        containers.Where(c => !c.IsSandbox && c.Name == name).MaxBy(c => c.Attempt);

    /// <summary>Restart counts go on across sandboxes: a container in a new sandbox continues its count.</summary>
    private static int NextAttempt(IReadOnlyList<RuntimeContainer> containers, string name) =>
        containers.Where(c => !c.IsSandbox && c.Name == name).Select(c => c.Attempt + 1).DefaultIfEmpty(0).Max();

    /// <summary>A duration as Go prints it (10s, 1m20s, 5m0s).</summary>
    private static string Go(TimeSpan t) => t.TotalMinutes >= 1
        ? ((int)t.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture) + "m" + t.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "s"
        : ((int)t.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s";
}

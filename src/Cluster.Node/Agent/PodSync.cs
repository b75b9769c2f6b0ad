using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Node.Agent.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>
/// What a sync learned: the containers after its actions, the pod as its status write answered, whether to sync again
/// at once, and whether the pod is settled: nothing left to do and its status written, so that only a change (of the
/// pod, its containers or its probes) gives a sync something to do.
/// </summary>
internal sealed record SyncDone(bool Finished, bool Again = false, IReadOnlyList<RuntimeContainer>? Containers = null, V1Pod? Pod = null, bool Settled = false);

/// <summary>What a pod's syncs carry from one to the next; only syncs touch it, and they never overlap.</summary>
internal sealed class PodSyncState(CrashLoopBackoff backoff, CrashLoopBackoff pullBackoff)
{
    public CrashLoopBackoff Backoff { get; } = backoff;

    /// <summary>The back-off between pulls of an image that failed to pull (ImagePullBackOff), by container.</summary>
    public CrashLoopBackoff PullBackoff { get; } = pullBackoff;

    /// <summary>When a container's image last failed to pull.</summary>
    public Dictionary<string, DateTimeOffset> PullFailedAt { get; } = new(StringComparer.Ordinal);

    /// <summary>Why a container last failed to start (its waiting reason until it starts).</summary>
    public Dictionary<string, (string Reason, string Message)> Failures { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset? StartTime { get; set; }

    /// <summary>The status last written, to write only changes.</summary>
    public string? LastStatus { get; set; }
}

/// <summary>
/// One step toward a pod's desired state, on a snapshot of the pod and its containers: it carries out
/// <see cref="PodPlanner"/>'s next action, then writes the status when it changed. It runs off the worker's thread, so
/// it hands what it learned back in a <see cref="SyncDone"/>.
/// </summary>
/// <param name="containers">The pod's containers at the last relist; null before the first, when the sync asks the runtime itself (never acting on a guess: after an agent restart the pod's containers are adopted, not created again).</param>
/// <param name="probes">What the containers' probes say (started, ready), by container id.</param>
internal sealed partial class PodSync(
    AgentContext agent, PodSyncState state, V1Pod pod, IReadOnlyList<RuntimeContainer>? containers, bool objectGone, IReadOnlyDictionary<string, (bool Started, bool Ready)> probes)
{
    private const string FieldManager = "cluster-node-agent";

    /// <summary>The failures key of a volume that could not be made (not a container name: those are DNS labels).</summary>
    private const string VolumeFailure = "<volumes>";

    private IReadOnlyList<RuntimeContainer> _containers = containers ?? [];
    private bool _again;
    private bool _statusWritten;

    public async Task<SyncDone> RunAsync()
    {
        var ct = CancellationToken.None;
        var runtime = agent.Runtime;
        var now = agent.Clock.GetUtcNow();
        if (containers is null)
        {
            _containers = await agent.ContainersOfAsync(pod.Metadata.Uid, ct).ConfigureAwait(false);
        }

        if (objectGone)
        {
            // The object went first (a force delete): the containers go now, without waiting any longer.
            foreach (var c in _containers.Where(c => c.State == ContainerRunState.Running).OrderBy(c => c.IsSandbox))
            {
                await runtime.StopAsync(c.Id, TimeSpan.Zero, ct).ConfigureAwait(false);
            }

            foreach (var c in _containers)
            {
                await runtime.RemoveAsync(c.Id, ct).ConfigureAwait(false);
            }

            agent.Volumes.Remove(pod.Metadata.Uid);
            return new SyncDone(true);
        }

        var (action, waiting) = PodPlanner.Next(pod, _containers, state.Backoff, now);
        IReadOnlyDictionary<string, string> volumes = new Dictionary<string, string>();
        if (action is PodAction.StartContainers or PodAction.Wait && pod.Metadata.DeletionTimestamp is null)
        {
            try
            {
                // Every sync of a live pod: a changed ConfigMap or Secret reaches its volume's files (the kubelet's resync).
                volumes = await agent.Volumes.PrepareAsync(pod, ct).ConfigureAwait(false);
                state.Failures.Remove(VolumeFailure);
            }
            catch (ContainerStartException e)
            {
                // The containers wait (ContainerCreating, with the mount's message) until the volume can be made.
                state.Failures[VolumeFailure] = (e.Reason, e.Message);
                if (action is PodAction.StartContainers)
                {
                    action = PodAction.Wait.Instance;
                }
            }
        }

        switch (action)
        {
            case PodAction.CreateSandbox create:
                foreach (var old in create.StopFirst)
                {
                    await runtime.StopAsync(old.Id, Grace(pod), ct).ConfigureAwait(false);
                }

                state.StartTime ??= now;
                await Try(PodNaming.SandboxName, async () => Observe(await runtime.RunSandboxAsync(pod, create.Attempt, agent.PodDnsFor(pod), ct).ConfigureAwait(false))).ConfigureAwait(false);
                _again = true;
                break;
            case PodAction.StartContainers start:
                foreach (var (container, restartCount, init) in start.Containers)
                {
                    var previous = _containers.Where(c => c.Name == container.Name && !c.IsSandbox).MaxBy(c => c.Attempt);
                    if (previous is not null)
                    {
                        state.Backoff.Restarted(container.Name, previous.StartedAt, previous.FinishedAt);

                        // As the kubelet's container GC (one dead container kept per container, for its logs and lastState).
                        foreach (var dead in _containers.Where(c => c.Name == container.Name && !c.IsSandbox && c.Attempt < previous.Attempt && c.State == ContainerRunState.Exited).ToList())
                        {
                            await runtime.RemoveAsync(dead.Id, ct).ConfigureAwait(false);
                            _containers = [.. _containers.Where(c => c.Id != dead.Id)];
                        }
                    }

                    if (state.PullFailedAt.TryGetValue(container.Name, out var pullFailed) && state.PullBackoff.Remaining(container.Name, pullFailed, now) > TimeSpan.Zero)
                    {
                        // As the kubelet: ErrImagePull (shown for a sync period at least), then ImagePullBackOff until the next pull is due.
                        if (now - pullFailed >= agent.Settings.SyncPeriod)
                        {
                            state.Failures[container.Name] = ("ImagePullBackOff", $"Back-off pulling image \"{container.Image}\"");
                        }

                        continue;
                    }

                    await Try(container.Name, async () =>
                    {
                        var env = await agent.Env.ResolveAsync(pod, container, ct).ConfigureAwait(false);
                        var credentials = await PullSecrets.ResolveAsync(agent.Registry, pod, container.Image ?? "", ct).ConfigureAwait(false);
                        Observe(await runtime.StartContainerAsync(pod, start.Sandbox, new ContainerRequest(EnvResolver.Expanded(container, env), env, restartCount, init, VolumeManager.Binds(container, volumes), credentials), ct).ConfigureAwait(false));
                    }).ConfigureAwait(false);
                }

                break;
            case PodAction.Stop stop:
                var grace = pod.Metadata.DeletionGracePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : Grace(pod);
                await Task.WhenAll(stop.Running.Where(c => !c.IsSandbox).Select(c => StopContainerAsync(c, grace, ct))).ConfigureAwait(false);
                foreach (var sandbox in stop.Running.Where(c => c.IsSandbox))
                {
                    await runtime.StopAsync(sandbox.Id, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
                }

                _containers = await agent.ContainersOfAsync(pod.Metadata.Uid, ct).ConfigureAwait(false);
                _again = true;
                break;
            case PodAction.Finish finish:
                foreach (var c in finish.Remove)
                {
                    await runtime.RemoveAsync(c.Id, ct).ConfigureAwait(false);
                }

                agent.Volumes.Remove(pod.Metadata.Uid);
                await DeleteObjectAsync(ct).ConfigureAwait(false);
                return new SyncDone(false, _again, _containers);
        }

        var reasons = new Dictionary<string, (string Reason, string Message)>(waiting, StringComparer.Ordinal);
        foreach (var (name, failure) in state.Failures)
        {
            if (name == VolumeFailure)
            {
                foreach (var c in pod.Spec.Containers.Where(c => PodPlanner.Latest(_containers, c.Name) is null))
                {
                    reasons.TryAdd(c.Name, failure);
                }
            }
            else
            {
                reasons.TryAdd(name, failure);
            }
        }

        V1Pod? written = null;
        if (pod.Metadata.DeletionTimestamp is null)
        {
            written = await WriteStatusAsync(PodStatusBuilder.Build(pod, _containers, reasons, agent.HostIp, state.StartTime ?? now, now, probes), ct).ConfigureAwait(false);
        }

        var settled = action is PodAction.Wait && reasons.Count == 0 && _statusWritten && !_again && !HasRefreshedVolumes(pod);
        return new SyncDone(false, _again, _containers, written, settled);
    }

    /// <summary>Volumes whose files follow another object (a ConfigMap, a Secret): only a sync brings their changes.</summary>
    private static bool HasRefreshedVolumes(V1Pod pod) =>
        pod.Spec.Volumes?.Any(v => v.ConfigMap is not null || v.Secret is not null || v.Projected is not null) == true;

    /// <summary>Runs one start; a failure becomes the container's waiting reason (ErrImagePull, CreateContainerConfigError, ...).</summary>
    private async Task Try(string container, Func<Task> start)
    {
        try
        {
            await start().ConfigureAwait(false);
            state.Failures.Remove(container);
            state.PullFailedAt.Remove(container);
        }
        catch (ContainerStartException e)
        {
            state.Failures[container] = (e.Reason, e.Message);
            if (e.Reason == "ErrImagePull")
            {
                state.PullBackoff.Restarted(container, null, null);
                state.PullFailedAt[container] = agent.Clock.GetUtcNow();
            }

            LogStartFailed(agent.Logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, container, e.Reason, e.Message);
        }
    }

    private void Observe(RuntimeContainer container) =>
        _containers = [.. _containers.Where(c => c.Id != container.Id), container];

    /// <summary>Writes the status when it differs from the last one written; answers the pod as the write left it.</summary>
    private async Task<V1Pod?> WriteStatusAsync(V1PodStatus status, CancellationToken ct)
    {
        var text = KubernetesJson.Serialize(status);
        if (text == state.LastStatus)
        {
            _statusWritten = true;
            return null;
        }

        var json = JsonNode.Parse(text)!.AsObject();
        // A merge patch of the whole status: what the agent no longer reports (a message, a reason) is cleared.
        var patch = new JsonObject { ["status"] = json };
        foreach (var key in new[] { "message", "reason", "nominatedNodeName" })
        {
            json.TryAdd(key, null);
        }

        try
        {
            var reply = await agent.Registry.PatchAsync(BuiltInKinds.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, PatchType.Merge, patch, "status", new WriteOptions(FieldManager: FieldManager), ct).ConfigureAwait(false);
            state.LastStatus = text;
            _statusWritten = true;
            return TypedJson.Read<V1Pod>(reply.Json);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone or changed meanwhile: the watch brings the news and the next sync writes again.
            return null;
        }
    }

    private async Task DeleteObjectAsync(CancellationToken ct)
    {
        try
        {
            await agent.Registry.DeleteAsync(BuiltInKinds.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, new DeleteOptions(GracePeriodSeconds: 0, PreconditionUid: pod.Metadata.Uid), ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    /// <summary>The pod's terminationGracePeriodSeconds (30 unless it says otherwise).</summary>
    public static TimeSpan Grace(V1Pod pod) => TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod}: container {Container} did not start: {Reason}: {Message}")]
    private static partial void LogStartFailed(ILogger logger, string @namespace, string pod, string container, string reason, string message);
}

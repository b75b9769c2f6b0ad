using Akka.Actor;
using Cluster.Node.Agent.Runtime;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>
/// Runs one pod (the kubelet's pod worker): every change of the pod object and every relist of its containers asks
/// for a sync; a sync runs <see cref="PodPlanner"/>'s next action, then writes the status when it changed. Syncs never
/// overlap: a request during a sync runs one more sync after it. The worker stops when the pod object is gone and its
/// containers are removed.
/// </summary>
public sealed partial class PodWorkerActor : ReceiveActor
{
    private readonly AgentContext _agent;
    private readonly PodSyncState _state;
    private V1Pod _pod;
    private IReadOnlyList<RuntimeContainer>? _containers;
    private bool _syncing;
    private bool _again;
    private bool _objectGone;

    public PodWorkerActor(AgentContext agent, V1Pod pod)
    {
        _agent = agent;
        _pod = pod;
        _state = new PodSyncState(new CrashLoopBackoff(agent.Settings.BackoffInitial, agent.Settings.BackoffMax, agent.Settings.BackoffReset))
        {
            StartTime = pod.Status?.StartTime is { } started ? new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) : null,
        };
        Receive<PodChanged>(m =>
        {
            _pod = m.Pod;
            RequestSync();
        });
        Receive<PodGone>(_ =>
        {
            _objectGone = true;
            RequestSync();
        });
        Receive<ContainersObserved>(m =>
        {
            _containers = m.Containers;
            RequestSync();
        });
        Receive<SyncDone>(m =>
        {
            _syncing = false;
            if (m.Finished)
            {
                Context.Stop(Self);
                return;
            }

            _containers = m.Containers ?? _containers;
            if (m.Pod is { } written && Version(written) > Version(_pod))
            {
                _pod = written;
            }

            if (_again || m.Again)
            {
                _again = false;
                RequestSync();
            }
        });
    }

    public static Props Props(AgentContext agent, V1Pod pod) => Akka.Actor.Props.Create(() => new PodWorkerActor(agent, pod));

    /// <summary>The pod object changed (or was first seen).</summary>
    public sealed record PodChanged(V1Pod Pod);

    /// <summary>The pod object is gone (deleted, or force-deleted while its containers still run).</summary>
    public sealed record PodGone
    {
        public static readonly PodGone Instance = new();
    }

    /// <summary>The pod's containers as the runtime showed them at the last relist.</summary>
    public sealed record ContainersObserved(IReadOnlyList<RuntimeContainer> Containers);

    private static long Version(V1Pod pod) =>
        long.TryParse(pod.Metadata.ResourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    private void RequestSync()
    {
        if (_syncing)
        {
            _again = true;
            return;
        }

        _syncing = true;
        var pod = _pod;
        var logger = _agent.Logger;
        new PodSync(_agent, _state, pod, _containers, _objectGone).RunAsync().ContinueWith(
            t =>
            {
                if (t.IsFaulted)
                {
                    LogSyncFailed(logger, t.Exception!.GetBaseException(), pod.Metadata.NamespaceProperty, pod.Metadata.Name);
                    return new SyncDone(false);
                }

                return t.Result;
            },
            TaskScheduler.Default).PipeTo(Self);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: sync failed")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string @namespace, string pod);

}

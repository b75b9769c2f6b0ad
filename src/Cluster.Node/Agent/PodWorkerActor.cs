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
public sealed partial class PodWorkerActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The kubelet's default --sync-frequency: how often a settled pod syncs without a change.</summary>
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromMinutes(1);
    private readonly ProbeTracker _probes = new();
    private readonly AgentContext _agent;
    private readonly PodSyncState _state;
    private V1Pod _pod;
    private IReadOnlyList<RuntimeContainer>? _containers;
    private bool _syncing;
    private bool _again;
    private bool _objectGone;
    private bool _settled;
    private DateTimeOffset _lastSync;

    public PodWorkerActor(AgentContext agent, V1Pod pod)
    {
        _agent = agent;
        _pod = pod;
        _state = new PodSyncState(
            new CrashLoopBackoff(agent.Settings.BackoffInitial, agent.Settings.BackoffMax, agent.Settings.BackoffReset),
            new CrashLoopBackoff(agent.Settings.BackoffInitial, agent.Settings.BackoffMax, agent.Settings.BackoffReset))
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
            var unchanged = _containers is { } known && known.SequenceEqual(m.Containers);
            _containers = m.Containers;
            _probes.Keep(m.Containers.Select(c => c.Id).ToHashSet(StringComparer.Ordinal));

            // As the kubelet's PLEG, a relist wakes only the pods whose containers changed; a settled pod still syncs
            // once a resync period (the kubelet's --sync-frequency), in case something went unnoticed.
            if (unchanged && _settled && _agent.Clock.GetUtcNow() - _lastSync < ResyncPeriod)
            {
                return;
            }

            RequestSync();
        });
        Receive<ProbeTick>(_ => RunDueProbes());
        Receive<ProbeDone>(OnProbeDone);
        Receive<ContainerKilled>(_ => RequestSync());
        Receive<SyncDone>(m =>
        {
            _syncing = false;
            if (m.Finished)
            {
                Context.Stop(Self);
                return;
            }

            _containers = m.Containers ?? _containers;
            _settled = m.Settled;
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

    public ITimerScheduler Timers { get; set; } = null!;

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

    private sealed record ProbeTick
    {
        public static readonly ProbeTick Instance = new();
    }

    private sealed record ProbeDone(string ContainerId, ProbeKind Kind, V1Probe Probe, ProbeOutcome Outcome);

    private sealed record ContainerKilled(string ContainerId);

    protected override void PreStart()
    {
        // Only app containers are probed (as the kubelet, sidecars aside).
        if (_pod.Spec.Containers.Any(c => c.LivenessProbe is not null || c.ReadinessProbe is not null || c.StartupProbe is not null))
        {
            Timers.StartPeriodicTimer("probes", ProbeTick.Instance, ProbeInterval);
        }
    }

    private void RunDueProbes()
    {
        var now = _agent.Clock.GetUtcNow();
        var podIp = _pod.Status?.PodIP;
        foreach (var container in (_containers ?? []).Where(c => c.State == ContainerRunState.Running && !c.IsSandbox))
        {
            if (_pod.Spec.Containers.FirstOrDefault(c => c.Name == container.Name) is not { } spec)
            {
                continue;
            }

            foreach (var (kind, probe) in _probes.Due(container.Id, spec, container.StartedAt ?? now, now))
            {
                var id = container.Id;
                _agent.Prober.RunAsync(_agent.Runtime, probe, spec, id, podIp, CancellationToken.None)
                    .PipeTo(Self, success: outcome => new ProbeDone(id, kind, probe, outcome), failure: e => new ProbeDone(id, kind, probe, new ProbeOutcome(false, e.Message)));
            }
        }
    }

    private void OnProbeDone(ProbeDone done)
    {
        var changed = _probes.Record(done.ContainerId, done.Kind, done.Probe, done.Outcome.Success);
        if (!done.Outcome.Success)
        {
            LogProbeFailed(_agent.Logger, _pod.Metadata.NamespaceProperty, _pod.Metadata.Name, done.Kind.ToString(), done.Outcome.Message);
        }

        if (_probes.MustRestart(done.ContainerId))
        {
            // As the kubelet: a container whose liveness (or startup) probe failed is killed; restartPolicy decides what follows.
            _probes.Keep((_containers ?? []).Where(c => c.Id != done.ContainerId).Select(c => c.Id).ToHashSet(StringComparer.Ordinal));
            var grace = done.Probe.TerminationGracePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : PodSync.Grace(_pod);
            _agent.Runtime.StopAsync(done.ContainerId, grace, CancellationToken.None).PipeTo(Self, success: () => new ContainerKilled(done.ContainerId), failure: _ => new ContainerKilled(done.ContainerId));
            return;
        }

        if (changed)
        {
            RequestSync();
        }
    }

    private Dictionary<string, (bool Started, bool Ready)> ProbeStatus() =>
        (_containers ?? [])
            .Where(c => !c.IsSandbox)
            .Select(c => (c.Id, Spec: _pod.Spec.Containers.FirstOrDefault(s => s.Name == c.Name)))
            .Where(c => c.Spec is not null)
            .ToDictionary(c => c.Id, c => _probes.Status(c.Id, c.Spec!), StringComparer.Ordinal);

    private void RequestSync()
    {
        if (_syncing)
        {
            _again = true;
            return;
        }

        _syncing = true;
        _settled = false;
        _lastSync = _agent.Clock.GetUtcNow();
        var pod = _pod;
        var logger = _agent.Logger;
        new PodSync(_agent, _state, pod, _containers, _objectGone, ProbeStatus()).RunAsync().ContinueWith(
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

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod}: {Kind} probe failed: {Message}")]
    private static partial void LogProbeFailed(ILogger logger, string @namespace, string pod, string kind, string message);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: sync failed")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string @namespace, string pod);
}

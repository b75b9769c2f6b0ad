using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>The three probes a container may have.</summary>
public enum ProbeKind
{
    Startup,
    Liveness,
    Readiness,
}

/// <summary>
/// When each probe of each container runs and what its results add up to (the kubelet's prober workers): a probe
/// first runs initialDelaySeconds after the container started, then every periodSeconds; successThreshold
/// consecutive successes make it pass, failureThreshold consecutive failures make it fail. Until the startup probe
/// passes, the other two do not run. Readiness starts failed, liveness and startup start unknown. Pure: the pod worker
/// runs the probes it says are due and records their outcomes.
/// </summary>
public sealed class ProbeTracker
{
    private readonly Dictionary<(string Container, ProbeKind Kind), State> _states = [];

    /// <summary>The probes of a container that are due now (none while one of its probes is still running).</summary>
    public IReadOnlyList<(ProbeKind Kind, V1Probe Probe)> Due(string containerId, V1Container spec, DateTimeOffset startedAt, DateTimeOffset now)
    {
        var due = new List<(ProbeKind, V1Probe)>();
        var started = spec.StartupProbe is null || Result(containerId, ProbeKind.Startup) == true;
        foreach (var (kind, probe) in Probes(spec))
        {
            if (kind != ProbeKind.Startup && !started || kind == ProbeKind.Startup && started)
            {
                continue;
            }

            var state = StateOf(containerId, kind);
            if (state.Running)
            {
                continue;
            }

            var first = startedAt.AddSeconds(probe.InitialDelaySeconds ?? 0);
            var period = TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10));
            if (now >= first && (state.LastRun is null || now - state.LastRun >= period))
            {
                state.Running = true;
                state.LastRun = now;
                due.Add((kind, probe));
            }
        }

        return due;
    }

    /// <summary>Records an outcome; true when the probe's result changed.</summary>
    public bool Record(string containerId, ProbeKind kind, V1Probe probe, bool success)
    {
        var state = StateOf(containerId, kind);
        state.Running = false;
        var before = state.Result;
        if (success)
        {
            state.Failures = 0;
            if (++state.Successes >= Math.Max(1, probe.SuccessThreshold ?? 1))
            {
                state.Result = true;
            }
        }
        else
        {
            state.Successes = 0;
            if (++state.Failures >= Math.Max(1, probe.FailureThreshold ?? 3))
            {
                state.Result = false;
            }
        }

        return before != state.Result;
    }

    /// <summary>The probe's result: true passed, false failed, null not decided yet.</summary>
    public bool? Result(string containerId, ProbeKind kind) => _states.TryGetValue((containerId, kind), out var state) ? state.Result : null;

    /// <summary>Whether a running container counts as started and ready, as its probes (or their absence) say.</summary>
    public (bool Started, bool Ready) Status(string containerId, V1Container spec)
    {
        var started = spec.StartupProbe is null || Result(containerId, ProbeKind.Startup) == true;
        var ready = started && (spec.ReadinessProbe is null || Result(containerId, ProbeKind.Readiness) == true);
        return (started, ready);
    }

    /// <summary>Whether the container must be killed: its liveness or startup probe failed.</summary>
    public bool MustRestart(string containerId) =>
        Result(containerId, ProbeKind.Liveness) == false || Result(containerId, ProbeKind.Startup) == false;

    /// <summary>Forgets the containers that are gone.</summary>
    public void Keep(IReadOnlySet<string> containerIds)
    {
        foreach (var key in _states.Keys.Where(k => !containerIds.Contains(k.Container)).ToList())
        {
            _states.Remove(key);
        }
    }

    private static IEnumerable<(ProbeKind, V1Probe)> Probes(V1Container spec)
    {
        if (spec.StartupProbe is { } startup)
        {
            yield return (ProbeKind.Startup, startup);
        }

        if (spec.LivenessProbe is { } liveness)
        {
            yield return (ProbeKind.Liveness, liveness);
        }

        if (spec.ReadinessProbe is { } readiness)
        {
            yield return (ProbeKind.Readiness, readiness);
        }
    }

    private State StateOf(string containerId, ProbeKind kind)
    {
        if (!_states.TryGetValue((containerId, kind), out var state))
        {
            state = new State();
            _states[(containerId, kind)] = state;
        }

        return state;
    }

    private sealed class State
    {
        public bool Running { get; set; }

        public DateTimeOffset? LastRun { get; set; }

        public int Successes { get; set; }

        public int Failures { get; set; }

        public bool? Result { get; set; }
    }
}

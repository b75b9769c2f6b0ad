using Cluster.Node.Agent;
using k8s.Models;

namespace Cluster.Node.Tests.Agent;

public sealed class ProbeTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static V1Probe Probe(int delay = 0, int period = 10, int failures = 3, int successes = 1) =>
        new() { Exec = new V1ExecAction { Command = ["true"] }, InitialDelaySeconds = delay, PeriodSeconds = period, FailureThreshold = failures, SuccessThreshold = successes };

    [Fact]
    public void Due_InitialDelayThenEveryPeriod_NeverTwiceAtOnce()
    {
        var tracker = new ProbeTracker();
        var spec = new V1Container { Name = "app", LivenessProbe = Probe(delay: 5, period: 10) };

        Assert.Empty(tracker.Due("c1", spec, Start, Start.AddSeconds(4)));
        Assert.Single(tracker.Due("c1", spec, Start, Start.AddSeconds(5)));
        Assert.Empty(tracker.Due("c1", spec, Start, Start.AddSeconds(30)));
        tracker.Record("c1", ProbeKind.Liveness, spec.LivenessProbe, success: true);
        Assert.Empty(tracker.Due("c1", spec, Start, Start.AddSeconds(14)));
        Assert.Single(tracker.Due("c1", spec, Start, Start.AddSeconds(15)));
    }

    [Fact]
    public void Record_FailureThreshold_ThenRestart()
    {
        var tracker = new ProbeTracker();
        var probe = Probe(failures: 2);

        Assert.False(tracker.Record("c1", ProbeKind.Liveness, probe, success: false));
        Assert.False(tracker.MustRestart("c1"));
        Assert.True(tracker.Record("c1", ProbeKind.Liveness, probe, success: false));
        Assert.True(tracker.MustRestart("c1"));
    }

    [Fact]
    public void Status_ReadinessStartsFalseAndStartupHoldsTheOthers()
    {
        var tracker = new ProbeTracker();
        var spec = new V1Container { Name = "app", StartupProbe = Probe(period: 1), ReadinessProbe = Probe(period: 1, successes: 2) };

        Assert.Equal((false, false), tracker.Status("c1", spec));
        Assert.Equal([ProbeKind.Startup], tracker.Due("c1", spec, Start, Start).Select(d => d.Kind));
        tracker.Record("c1", ProbeKind.Startup, spec.StartupProbe, success: true);
        Assert.Equal((true, false), tracker.Status("c1", spec));
        Assert.Equal([ProbeKind.Readiness], tracker.Due("c1", spec, Start, Start.AddSeconds(1)).Select(d => d.Kind));
        tracker.Record("c1", ProbeKind.Readiness, spec.ReadinessProbe, success: true);
        Assert.Equal((true, false), tracker.Status("c1", spec));
        tracker.Record("c1", ProbeKind.Readiness, spec.ReadinessProbe, success: true);
        Assert.Equal((true, true), tracker.Status("c1", spec));
    }
}

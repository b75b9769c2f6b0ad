using Cluster.Api.Metrics;
using Cluster.Node.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Metrics;

public sealed class ClusterResourceMetricsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Latest_TwoMembersMeasured_EveryNodeAndPodOnce()
    {
        var metrics = new ClusterResourceMetrics(_clock, TimeSpan.FromMinutes(2));
        metrics.Record("a", Snapshot("n1", "web-1", _clock.GetUtcNow().AddSeconds(-20), TimeSpan.FromSeconds(15)));
        metrics.Record("b", Snapshot("n2", "web-2", _clock.GetUtcNow().AddSeconds(-5), TimeSpan.FromSeconds(30)));

        var latest = metrics.Latest!;

        Assert.Equal(["n1", "n2"], latest.Nodes.Select(n => n.Name).Order());
        Assert.Equal(["web-1", "web-2"], latest.Pods.Select(p => p.Name).Order());
        // The oldest measurement's time and the longest window: no usage reads as newer than it is.
        Assert.Equal((_clock.GetUtcNow().AddSeconds(-20), TimeSpan.FromSeconds(30)), (latest.Timestamp, latest.Window));
        Assert.Same(latest, metrics.Latest);
    }

    [Fact]
    public void Latest_MemberStaleOrGone_NoLongerServed()
    {
        var metrics = new ClusterResourceMetrics(_clock, TimeSpan.FromMinutes(2));
        metrics.Record("a", Snapshot("n1", "web-1", _clock.GetUtcNow(), TimeSpan.FromSeconds(15)));
        metrics.Record("b", Snapshot("n2", "web-2", _clock.GetUtcNow().AddSeconds(60), TimeSpan.FromSeconds(15)));

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(["web-2"], metrics.Latest!.Pods.Select(p => p.Name));

        metrics.Forget("b");
        Assert.Null(metrics.Latest);
    }

    [Fact]
    public void Record_OlderThanKnown_Ignored()
    {
        var metrics = new ClusterResourceMetrics(_clock, TimeSpan.FromMinutes(2));
        metrics.Record("a", Snapshot("n1", "new", _clock.GetUtcNow(), TimeSpan.FromSeconds(15)));
        metrics.Record("a", Snapshot("n1", "old", _clock.GetUtcNow().AddSeconds(-15), TimeSpan.FromSeconds(15)));

        Assert.Equal(["new"], metrics.Latest!.Pods.Select(p => p.Name));
    }

    [Theory]
    [InlineData(15, 120)]
    [InlineData(60, 240)]
    public void StaleAfterFor_AgentInterval_FourPeriodsAtLeastTwoMinutes(int intervalSeconds, int staleSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(staleSeconds), ClusterResourceMetrics.StaleAfterFor(TimeSpan.FromSeconds(intervalSeconds)));

    internal static MetricsSnapshot Snapshot(string node, string pod, DateTimeOffset at, TimeSpan window) =>
        new(at, window, [new NodeUsage(node, 250_000_000, 1 << 30)], [new PodUsage("default", pod, new Dictionary<string, string> { ["app"] = "web" }, [new ContainerUsage("app", 100_000_000, 64 << 20)])]);
}

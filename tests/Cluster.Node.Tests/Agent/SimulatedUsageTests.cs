using Cluster.Api.Metrics;
using Cluster.Node.Agent;
using Cluster.Node.Agent.Runtime;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Agent;

/// <summary>The simulated runtime's synthetic usage and its reading by the autoscaler's metrics source.</summary>
public sealed class SimulatedUsageTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task UsageAsync_AnnotatedPod_UsesTheAnnotatedRates_OthersTheDefault()
    {
        var runtime = new SimulatedRuntime(TimeSpan.Zero, _clock);
        var loaded = await StartAsync(runtime, Pod("loaded", new Dictionary<string, string> { [SimulatedRuntime.CpuUsageAnnotation] = "250m", [SimulatedRuntime.MemoryUsageAnnotation] = "64Mi" }));
        var idle = await StartAsync(runtime, Pod("idle", null));

        _clock.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal((1_000_000_000UL, 64L << 20), await runtime.UsageAsync(loaded.Id, CancellationToken.None));
        Assert.Equal((4_000_000UL, 10L << 20), await runtime.UsageAsync(idle.Id, CancellationToken.None));
    }

    [Fact]
    public void PodMetrics_Snapshot_SumsContainersPerPod_CpuRoundedUpToMillicores()
    {
        var snapshot = new MetricsSnapshot(_clock.GetUtcNow(), TimeSpan.FromSeconds(15), [],
        [
            new PodUsage("a", "web-1", new Dictionary<string, string>(), [new ContainerUsage("app", 79_999_999, 1024), new ContainerUsage("side", 1_000_000, 2048)]),
            new PodUsage("b", "web-1", new Dictionary<string, string>(), [new ContainerUsage("app", 5_000_000, 4096)]),
        ]);
        var source = new PodMetricsSource(new FixedMetrics(snapshot));

        var pod = Assert.Single(source.PodMetrics("a")).Value;

        Assert.Equal((81L, 3072L * 1000, TimeSpan.FromSeconds(15)), (pod.CpuMilli, pod.MemoryMilli, pod.Window));
        Assert.Equal(5, source.PodMetrics("b")["web-1"].CpuMilli);
        Assert.Empty(source.PodMetrics("c"));
        Assert.Empty(new PodMetricsSource(null).PodMetrics("a"));
    }

    private static async Task<RuntimeContainer> StartAsync(SimulatedRuntime runtime, V1Pod pod)
    {
        var sandbox = await runtime.RunSandboxAsync(pod, 0, null, CancellationToken.None);
        return await runtime.StartContainerAsync(pod, sandbox, new ContainerRequest(pod.Spec.Containers[0], [], 0, false), CancellationToken.None);
    }

    private static V1Pod Pod(string name, Dictionary<string, string>? annotations) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = name + "-uid", Annotations = annotations },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "simulated" }] },
    };

    private sealed class FixedMetrics(MetricsSnapshot snapshot) : IResourceMetrics
    {
        public MetricsSnapshot? Latest => snapshot;
    }
}

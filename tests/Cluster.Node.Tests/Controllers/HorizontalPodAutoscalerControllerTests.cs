using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Autoscaling;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The horizontal pod autoscaler on a node's real registry, fed synthetic pod usage. No deployment controller runs:
/// the tests create the pods themselves and read the Deployment's spec.replicas the autoscaler writes.
/// </summary>
public sealed class HorizontalPodAutoscalerControllerTests : IAsyncLifetime
{
    private const string Ns = "default";
    private readonly SyntheticMetrics _metrics = new();
    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("hpa-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), "horizontal-pod-autoscaler", null, TimeProvider.System, NullLogger.Instance);
        var settings = new HorizontalPodAutoscalerSettings { SyncPeriod = TimeSpan.FromSeconds(1) };
        var controller = new HorizontalPodAutoscalerController(_host.Informers, new RegistryWriter(Registry, "horizontal-pod-autoscaler"), _events, _metrics, settings, TimeProvider.System, NullLogger.Instance);
        var loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, NullLogger.Instance);
        controller.Watch(loop);
        _events.Start();
        await _host.RunAsync(loop);
    }

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task CpuAboveTarget_ScalesTheDeploymentUp_AtMostDoubling_WithStatusAndEvent()
    {
        await CreateDeploymentAsync("web", replicas: 2);
        await CreateReadyPodAsync("web", "web-1", cpuUsage: 200);
        await CreateReadyPodAsync("web", "web-2", cpuUsage: 200);
        await CreateAutoscalerAsync("web", min: 1, max: 5, cpuPercent: 50);

        // 200% of the request against 50% proposes 8; without a behavior a sync at most doubles (or reaches 4).
        await UntilAsync(() => Replicas("web") == 4 ? "" : null, "the deployment scaled to 4");
        var hpa = await UntilAsync(() => Autoscaler("web") is { Status.DesiredReplicas: 4 } h ? h : null, "the autoscaler's status");
        Assert.Equal(2, hpa.Status.CurrentReplicas);
        Assert.NotNull(hpa.Status.LastScaleTime);
        var metric = Assert.Single(hpa.Status.CurrentMetrics);
        Assert.Equal(("Resource", "cpu", 200, "200m"), (metric.Type, metric.Resource.Name, metric.Resource.Current.AverageUtilization, metric.Resource.Current.AverageValue.ToString()));
        Assert.Equal(("True", "SucceededRescale"), Condition(hpa, "AbleToScale"));
        Assert.Equal(("True", "ValidMetricFound"), Condition(hpa, "ScalingActive"));
        Assert.Equal(("True", "ScaleUpLimit"), Condition(hpa, "ScalingLimited"));
        var rescaled = await UntilAsync(() => Events("SuccessfulRescale") is { Count: > 0 } e ? e : null, "the rescale event");
        Assert.Equal("New size: 4; reason: cpu resource utilization (percentage of request) above target", rescaled[0]);
    }

    [Fact]
    public async Task UsageWithinTolerance_KeepsTheCount_ScalingNotLimited()
    {
        await CreateDeploymentAsync("steady", replicas: 2);
        await CreateReadyPodAsync("steady", "steady-1", cpuUsage: 52);
        await CreateReadyPodAsync("steady", "steady-2", cpuUsage: 52);
        await CreateAutoscalerAsync("steady", min: 1, max: 5, cpuPercent: 50);

        var hpa = await UntilAsync(() => Autoscaler("steady") is { Status.CurrentReplicas: 2 } h && h.Status.CurrentMetrics is { Count: 1 } ? h : null, "the autoscaler's status");
        Assert.Equal(2, hpa.Status.DesiredReplicas);
        Assert.Equal(52, hpa.Status.CurrentMetrics[0].Resource.Current.AverageUtilization);
        Assert.Null(hpa.Status.LastScaleTime);
        Assert.Equal(("False", "DesiredWithinRange"), Condition(hpa, "ScalingLimited"));
        Assert.Equal(2, Replicas("steady"));
    }

    [Fact]
    public async Task NoMetricsForThePods_ScalingInactive_CountUnchanged()
    {
        await CreateDeploymentAsync("quiet", replicas: 2);
        await CreateReadyPodAsync("quiet", "quiet-1", cpuUsage: null);
        await CreateReadyPodAsync("quiet", "quiet-2", cpuUsage: null);
        await CreateAutoscalerAsync("quiet", min: 1, max: 5, cpuPercent: 50);

        var hpa = await UntilAsync(() => Autoscaler("quiet") is { } h && h.Status.Conditions?.Any(c => c.Type == "ScalingActive") == true ? h : null, "the ScalingActive condition");
        Assert.Equal(("False", "FailedGetResourceMetric"), Condition(hpa, "ScalingActive"));
        Assert.Contains("did not receive metrics for targeted pods", hpa.Status.Conditions.Single(c => c.Type == "ScalingActive").Message, StringComparison.Ordinal);
        Assert.NotEmpty(await UntilAsync(() => Events("FailedComputeMetricsReplicas") is { Count: > 0 } e ? e : null, "the warning"));
        Assert.Equal(2, Replicas("quiet"));
    }

    [Fact]
    public async Task TargetMissing_AbleToScaleFalse_FailedGetScale()
    {
        await CreateAutoscalerAsync("nope", min: 1, max: 5, cpuPercent: 50);

        var hpa = await UntilAsync(() => Autoscaler("nope") is { } h && h.Status.Conditions?.Count > 0 ? h : null, "the AbleToScale condition");
        Assert.Equal(("False", "FailedGetScale"), Condition(hpa, "AbleToScale"));
        Assert.Equal("the HPA controller was unable to get the target's current scale: deployments.apps \"nope\" not found", hpa.Status.Conditions.Single().Message);
    }

    [Fact]
    public async Task ReplicasAboveMax_ScaledDownToMax_WithoutMetrics()
    {
        await CreateDeploymentAsync("big", replicas: 7);
        await CreateAutoscalerAsync("big", min: 1, max: 3, cpuPercent: 50);

        await UntilAsync(() => Replicas("big") == 3 ? "" : null, "the deployment scaled to maxReplicas");
        var rescaled = await UntilAsync(() => Events("SuccessfulRescale") is { Count: > 0 } e ? e : null, "the rescale event");
        Assert.Equal("New size: 3; reason: Current number of replicas above Spec.MaxReplicas", rescaled[0]);
    }

    [Fact]
    public async Task AverageValueTarget_ScalesOnMemoryPerPod()
    {
        await CreateDeploymentAsync("mem", replicas: 1);
        await CreateReadyPodAsync("mem", "mem-1", cpuUsage: 10, memoryUsage: 300L << 20);
        await _host.CreateAsync(BuiltInKinds.HorizontalPodAutoscaler, """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"mem"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"mem"},
             "minReplicas":1,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"100Mi"}}}]}}
            """);

        // 300Mi against 100Mi a pod proposes 3; the default scale-up policies allow 1 + 4.
        await UntilAsync(() => Replicas("mem") == 3 ? "" : null, "the deployment scaled to 3");
        var hpa = await UntilAsync(() => Autoscaler("mem") is { Status.DesiredReplicas: 3 } h ? h : null, "the autoscaler's status");
        Assert.Equal("300Mi", new ResourceQuantity(hpa.Status.CurrentMetrics[0].Resource.Current.AverageValue.ToString()).CanonicalizeString(ResourceQuantity.SuffixFormat.BinarySI));
        Assert.Null(hpa.Status.CurrentMetrics[0].Resource.Current.AverageUtilization);
    }

    private Task CreateDeploymentAsync(string name, int replicas) => _host.CreateAsync(BuiltInKinds.Deployment, Fill("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"@name@"},"spec":{"replicas":@replicas@,"selector":{"matchLabels":{"app":"@name@"}},
         "template":{"metadata":{"labels":{"app":"@name@"}},"spec":{"containers":[{"name":"app","image":"nginx:1","resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}}}
        """, ("name", name), ("replicas", replicas)));

    private Task CreateAutoscalerAsync(string target, int min, int max, int cpuPercent) => _host.CreateAsync(BuiltInKinds.HorizontalPodAutoscaler, Fill("""
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"@target@"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"@target@"},
         "minReplicas":@min@,"maxReplicas":@max@,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":@cpuPercent@}}}]}}
        """, ("target", target), ("min", min), ("max", max), ("cpuPercent", cpuPercent)));

    /// <summary>A pod running for ten minutes and ready for nine (past the CPU initialization period), measured using <paramref name="cpuUsage"/> millicores unless null.</summary>
    private async Task CreateReadyPodAsync(string app, string name, long? cpuUsage, long memoryUsage = 32L << 20)
    {
        await _host.CreateAsync(BuiltInKinds.Pod, Fill("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"@name@","labels":{"app":"@app@"}},
             "spec":{"nodeName":"elsewhere","containers":[{"name":"app","image":"nginx:1","resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}
            """, ("name", name), ("app", app)));
        var now = DateTimeOffset.UtcNow;
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["startTime"] = ObjectMeta.Timestamp(now.AddMinutes(-10)),
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = ObjectMeta.Timestamp(now.AddMinutes(-9)) }),
        };
        await Registry.PatchAsync(BuiltInKinds.Pod, Ns, name, PatchType.Merge, new JsonObject { ["status"] = status }, "status", WriteOptions.Default, CancellationToken.None);
        if (cpuUsage is { } cpu)
        {
            _metrics.Pods[name] = new PodMetric(now, TimeSpan.FromSeconds(15), cpu, memoryUsage * 1000);
        }
    }

    /// <summary>The JSON with each @key@ replaced by its value.</summary>
    private static string Fill(string json, params (string Key, object Value)[] values) =>
        values.Aggregate(json, (text, v) => text.Replace("@" + v.Key + "@", Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private int? Replicas(string deployment) =>
        Registry.Cache(BuiltInKinds.Deployment).Get(Ns, deployment) is { } cached ? Parse<V1Deployment>(cached.Json).Spec.Replicas : null;

    private V2HorizontalPodAutoscaler? Autoscaler(string name) =>
        Registry.Cache(BuiltInKinds.HorizontalPodAutoscaler).Get(Ns, name) is { } cached ? Parse<V2HorizontalPodAutoscaler>(cached.Json) : null;

    private static (string, string) Condition(V2HorizontalPodAutoscaler hpa, string type) =>
        hpa.Status.Conditions.Single(c => c.Type == type) is var c ? (c.Status, c.Reason) : default;

    private List<string> Events(string reason) =>
        [.. Registry.Cache(BuiltInKinds.Event).List(Ns).Items.Select(c => Parse<Corev1Event>(c.Json)).Where(e => e.Reason == reason).Select(e => e.Message)];

    private static T Parse<T>(byte[] json) => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(json));

    private static async Task<T> UntilAsync<T>(Func<T?> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("Timed out waiting for " + what);
    }

    /// <summary>Usage the test sets per pod, as the node agents would measure it.</summary>
    private sealed class SyntheticMetrics : IPodMetricsSource
    {
        public ConcurrentDictionary<string, PodMetric> Pods { get; } = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, PodMetric> PodMetrics(string ns) => Pods;
    }
}

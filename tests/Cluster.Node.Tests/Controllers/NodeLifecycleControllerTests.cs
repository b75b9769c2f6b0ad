using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.NodeLifecycle;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The node lifecycle and taint eviction controllers on a node's real registry, on a fake clock: the test plays the
/// kubelet of node n1 (its Lease and status) and the scheduler (pods are created bound to n1).
/// </summary>
public sealed class NodeLifecycleControllerTests : IAsyncLifetime
{
    private const string Node = "n1";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly FailureLog _log = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;
    private ReconcileLoop _health = null!;
    private ReconcileLoop _eviction = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("nl-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), "taint-eviction-controller", null, _clock, _log);
        _events.Start();
        var lifecycle = new NodeLifecycleController(_host.Informers, new RegistryWriter(Registry, "node-lifecycle-controller"), TimeSpan.FromSeconds(50), _clock, _log);
        _health = new ReconcileLoop(lifecycle, workers: 2, _clock, _log);
        lifecycle.Watch(_health);
        var eviction = new TaintEvictionController(_host.Informers, new RegistryWriter(Registry, "taint-eviction-controller"), _events, _clock, _log);
        _eviction = new ReconcileLoop(eviction, workers: 2, _clock, _log);
        eviction.Watch(_eviction);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _events.DisposeAsync();
    }

    [Fact]
    public async Task LeaseStopsRenewing_NodeUnknownAndTainted_PodsEvictedByToleration_RenewalHeals()
    {
        await Registry.CreateAsync(BuiltInKinds.Node, "", JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{Node}}}"}}""")!.AsObject(), WriteOptions.Default, CancellationToken.None);
        await PostReadyAsync();
        await Registry.CreateAsync(BuiltInKinds.Lease, NodeLifecycleController.LeaseNamespace, JsonNode.Parse($$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"{{{Node}}}"},"spec":{"holderIdentity":"{{{Node}}}","leaseDurationSeconds":40}}""")!.AsObject(), WriteOptions.Default, CancellationToken.None);
        await RenewAsync();

        // No tolerations: admission gives it 300 s. A toleration naming the taint keeps admission away but, with
        // another value, tolerates nothing. Exists with no key tolerates everything forever.
        await CreatePodAsync("patient", "null");
        await CreatePodAsync("mismatched", """[{"key":"node.kubernetes.io/unreachable","operator":"Equal","value":"x","effect":"NoExecute"}]""");
        await CreatePodAsync("steadfast", """[{"operator":"Exists"}]""");
        Assert.Equal([300L, 300L], Get<V1Pod>(BuiltInKinds.Pod, "default", "patient")!.Spec.Tolerations.Select(t => t.TolerationSeconds));

        await _host.RunAsync(_health, _eviction);
        // Every node seen (the host's own too) waits for its grace period: advancing sooner would date n1's first look later.
        await UntilAsync(() => _health.Queue.Waiting >= (Get<V1Node>(BuiltInKinds.Node, "", "nl-node") is null ? 1 : 2) && _eviction.Stats.Reconciles >= 3, "the first look at the node and pods");
        Assert.Null(NodeObject().Spec?.Taints);

        _clock.Advance(TimeSpan.FromSeconds(50));
        var tainted = _clock.GetUtcNow().UtcDateTime;
        await UntilAsync(() => NodeObject().Spec?.Taints?.Any(t => t.Key == NodeTaints.Unreachable && t.Effect == "NoExecute") == true, "the unreachable taint");
        var node = NodeObject();
        var ready = node.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(["node.kubernetes.io/unreachable:NoExecute@" + tainted.ToString("O"), "node.kubernetes.io/unreachable:NoSchedule@"], node.Spec.Taints.Select(t => t.Key + ":" + t.Effect + "@" + t.TimeAdded?.ToString("O")));

        await UntilAsync(() => Terminating("mismatched") && _eviction.Queue.Waiting > 0, "the untolerating pod's eviction, the patient one's wait");
        var evicted = await UntilEventAsync("TaintManagerEviction");
        Assert.Equal(("Pod", "mismatched", "Marking for deletion Pod default/mismatched"), (evicted.InvolvedObject.Kind, evicted.InvolvedObject.Name, evicted.Message));
        Assert.False(Terminating("patient"));

        _clock.Advance(TimeSpan.FromSeconds(299));
        await Task.Delay(200);
        Assert.False(Terminating("patient"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await UntilAsync(() => Terminating("patient"), "the patient pod's eviction after 300 s");
        var disruption = Get<V1Pod>(BuiltInKinds.Pod, "default", "patient")!.Status.Conditions.Single(c => c.Type == "DisruptionTarget");
        Assert.Equal(("True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"), (disruption.Status, disruption.Reason, disruption.Message));
        Assert.False(Terminating("steadfast"));

        await RenewAsync();
        await PostReadyAsync();
        await UntilAsync(() => NodeObject().Spec?.Taints is null or { Count: 0 }, "the healed node's taints gone");
        Assert.Equal("True", NodeObject().Status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.False(Terminating("steadfast"));
    }

    private Task CreatePodAsync(string name, string tolerations) => _host.CreateAsync(
        BuiltInKinds.Pod,
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"nodeName":"{{{Node}}}","tolerations":{{{tolerations}}},"containers":[{"name":"c","image":"nginx:1.27"}]}}""");

    private Task PostReadyAsync()
    {
        var now = ObjectMeta.Timestamp(_clock.GetUtcNow());
        var status = JsonNode.Parse($$$"""{"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"ready","lastHeartbeatTime":"{{{now}}}","lastTransitionTime":"{{{now}}}"}]}}""")!;
        return Registry.PatchAsync(BuiltInKinds.Node, "", Node, PatchType.Merge, status, "status", WriteOptions.Default, CancellationToken.None);
    }

    private Task RenewAsync()
    {
        var renew = new JsonObject { ["spec"] = new JsonObject { ["renewTime"] = ObjectMeta.MicroTimestamp(_clock.GetUtcNow()) } };
        return Registry.PatchAsync(BuiltInKinds.Lease, NodeLifecycleController.LeaseNamespace, Node, PatchType.Merge, renew, null, WriteOptions.Default, CancellationToken.None);
    }

    private V1Node NodeObject() => Get<V1Node>(BuiltInKinds.Node, "", Node)!;

    private bool Terminating(string pod) => Get<V1Pod>(BuiltInKinds.Pod, "default", pod) is not { } found || found.Metadata.DeletionTimestamp is not null;

    private T? Get<T>(ResourceKind kind, string ns, string name)
        where T : class => Registry.Cache(kind).Get(ns, name) is { } cached ? Parse<T>(cached) : null;

    private async Task<Corev1Event> UntilEventAsync(string reason)
    {
        Corev1Event? found = null;
        await UntilAsync(() => (found = Registry.Cache(BuiltInKinds.Event).List("default").Items.Select(Parse<Corev1Event>).FirstOrDefault(e => e.Reason == reason)) is not null, reason + " event");
        return found!;
    }

    private async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"never reached: {what}; controllers: {_health.Stats}, {_eviction.Stats}; last log: {_log.Last}");
            }

            await Task.Delay(25);
        }
    }

    private static T Parse<T>(CachedObject obj) => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(obj.Json));
}

using System.Text.Json.Nodes;
using Cluster.Controllers.DaemonSets;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using static Cluster.Node.Tests.Controllers.SetsKubelet;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The DaemonSet controller on a node's real registry. No scheduler or kubelet runs: the test's nodes are objects, and
/// the test reports the pods Running and Ready itself.
/// </summary>
public sealed class DaemonSetControllerTests : IAsyncLifetime
{
    private const string DaemonJson = """{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"nodeSelector":{"role":"worker"},"containers":[{"name":"a","image":"agent:1"}]}}}}""";

    private const string Taint = """[{"key":"dedicated","value":"db","effect":"NoSchedule"}]""";

    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("ds-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), "daemonset-controller", null, TimeProvider.System, NullLogger.Instance);
        var controller = new DaemonSetController(_host.Informers, new RegistryWriter(Registry, "daemonset-controller"), _events, TimeProvider.System, NullLogger.Instance);
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
    public async Task DaemonSet_WorkerNodes_OnePodEach_NotOnTheTainted_RollsAndRollsBackThroughRevisions()
    {
        await NodeAsync("w1", taint: false);
        await NodeAsync("w2", taint: false);
        await NodeAsync("w3", taint: true);
        await _host.CreateAsync(BuiltInKinds.DaemonSet, DaemonJson);

        var pods = await UntilAsync(() => Daemons() is { Count: 2 } p ? p : null, "a pod on each untainted worker");
        Assert.Equal(["w1", "w2"], pods.Select(DaemonPods.TargetNode).Order());
        var first = Assert.Single(List<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision));
        Assert.Equal(1, first.Revision);
        Assert.All(pods, p => Assert.Equal(first.Metadata.Labels[DaemonPods.HashLabel], p.Metadata.Labels[DaemonPods.HashLabel]));

        var status = await UntilAsync(() => DaemonSet() is { Status: { NumberAvailable: 2, UpdatedNumberScheduled: 2, DesiredNumberScheduled: 2, CurrentNumberScheduled: 2, ObservedGeneration: 1 } s } ? s : null, "all available", () => RunAllReadyAsync(Registry));
        Assert.Equal(0, status.NumberMisscheduled);

        await SetImageAsync("agent:2");
        await UntilAsync(() => Daemons() is { Count: 2 } p && p.All(x => x.Spec.Containers[0].Image == "agent:2") && DaemonSet()?.Status is { UpdatedNumberScheduled: 2, NumberAvailable: 2 } ? p : null, "rolled to agent:2", () => RunAllReadyAsync(Registry));
        Assert.Equal([1L, 2L], List<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision).Select(r => r.Revision).Order());

        await SetImageAsync("agent:1");
        await UntilAsync(() => Daemons() is { Count: 2 } p && p.All(x => x.Spec.Containers[0].Image == "agent:1") ? p : null, "rolled back to agent:1", () => RunAllReadyAsync(Registry));
        var revisions = List<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision);
        Assert.Equal(3, revisions.Single(r => r.Metadata.Name == first.Metadata.Name).Revision); // the rollback reuses revision 1, renumbered
        Assert.Equal(2, revisions.Count);
    }

    [Fact]
    public async Task DaemonSet_NodeLabelledAway_PodDeleted_NodeAdded_PodMade()
    {
        await NodeAsync("w1", taint: false);
        await _host.CreateAsync(BuiltInKinds.DaemonSet, DaemonJson);
        await UntilAsync(() => Daemons() is { Count: 1 } p ? p : null, "a pod on w1");

        await Registry.PatchAsync(BuiltInKinds.Node, "", "w1", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"role":"db"}}}""")!.AsObject(), null, WriteOptions.Default, CancellationToken.None);
        await UntilAsync(() => Daemons() is { Count: 0 } p ? p : null, "no pod once w1 is no worker");

        await NodeAsync("w4", taint: false);
        var pod = Assert.Single(await UntilAsync(() => Daemons() is { Count: 1 } p ? p : null, "a pod on the new worker"));
        Assert.Equal("w4", DaemonPods.TargetNode(pod));
        Assert.Contains(pod.Spec.Tolerations, t => t.Key == "node.kubernetes.io/not-ready" && t.Effect == "NoExecute");
    }

    [Fact]
    public async Task DaemonSet_OrphanOnItsNode_AdoptedAndCounted_RelabelledPodReleasedAndReplaced()
    {
        await NodeAsync("w1", taint: false);
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"app":"agent"}},"spec":{"nodeName":"w1","containers":[{"name":"a","image":"agent:0"}]}}""");
        await _host.UntilInformedAsync(BuiltInKinds.Pod, "stray");

        // OnDelete: the orphan, of no revision of the set, is kept as it is rather than rolled.
        await _host.CreateAsync(BuiltInKinds.DaemonSet, DaemonJson.Replace("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}""", """{"type":"OnDelete"}""", StringComparison.Ordinal));
        var uid = DaemonSet()!.Metadata.Uid;

        var status = await UntilAsync(() => DaemonSet()?.Status is { CurrentNumberScheduled: 1, DesiredNumberScheduled: 1 } s ? s : null, "the orphan counted on w1");
        Assert.Equal(0, status.UpdatedNumberScheduled);
        var stray = Assert.Single(Daemons());
        Assert.Equal("stray", stray.Metadata.Name);
        var owner = Assert.Single(stray.Metadata.OwnerReferences);
        Assert.Equal(("apps/v1", "DaemonSet", "agent", uid, true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));

        await Registry.PatchAsync(BuiltInKinds.Pod, "default", "stray", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"app":"debug"}}}""")!.AsObject(), null, WriteOptions.Default, CancellationToken.None);

        var pods = await UntilAsync(() => Daemons() is { Count: 2 } p && p.Single(x => x.Metadata.Name == "stray").Metadata.OwnerReferences is null ? p : null, "the relabelled pod released and another made on w1");
        var made = Assert.Single(pods, p => p.Metadata.Name != "stray");
        Assert.Equal(("w1", uid), (DaemonPods.TargetNode(made), made.Metadata.OwnerReferences.Single().Uid));
    }

    private List<V1Pod> Daemons() => [.. Pods(Registry).Where(p => p.Metadata.DeletionTimestamp is null)];

    private V1DaemonSet? DaemonSet() => Get<V1DaemonSet>(Registry, BuiltInKinds.DaemonSet, "agent");

    private Task SetImageAsync(string image) =>
        Registry.PatchAsync(BuiltInKinds.DaemonSet, "default", "agent", PatchType.Merge,
            JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal))!.AsObject(), null, WriteOptions.Default, CancellationToken.None);

    private Task NodeAsync(string name, bool taint) =>
        Registry.CreateAsync(BuiltInKinds.Node, "", JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{name}}}","labels":{"role":"worker"}},"spec":{"taints":{{{(taint ? Taint : "[]")}}}}}""")!.AsObject(), WriteOptions.Default, CancellationToken.None);
}

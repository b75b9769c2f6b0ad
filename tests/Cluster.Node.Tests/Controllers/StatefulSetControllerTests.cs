using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.StatefulSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using static Cluster.Node.Tests.Controllers.SetsKubelet;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The StatefulSet controller on a node's real registry. No scheduler or kubelet runs: the test reports pods Running
/// and Ready itself, one at a time, so the order the controller makes and deletes them in is the test's to see.
/// </summary>
public sealed class StatefulSetControllerTests : IAsyncLifetime
{
    private const string SetJson = """{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"replicas":3,"serviceName":"web","selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1"}]}},"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}""";

    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("sts-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), "statefulset-controller", null, TimeProvider.System, NullLogger.Instance);
        var controller = new StatefulSetController(_host.Informers, new RegistryWriter(Registry, "statefulset-controller"), _events, TimeProvider.System, NullLogger.Instance);
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
    public async Task OrderedReady_StartsInOrderWithClaims_ScalesDownInReverse_RollsHighestFirst()
    {
        await _host.CreateAsync(BuiltInKinds.StatefulSet, SetJson);

        // Each pod is made only once the one before is Running and Ready, its claim first.
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var name = "web-" + ordinal;
            var pod = await UntilAsync(() => Get<V1Pod>(Registry, BuiltInKinds.Pod, name), name);
            Assert.Equal(ordinal + 1, Live().Count);
            Assert.NotNull(Get<V1PersistentVolumeClaim>(Registry, BuiltInKinds.PersistentVolumeClaim, "data-" + name));
            Assert.Equal(("data-" + name, name, "web"), (pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName, pod.Spec.Hostname, pod.Spec.Subdomain));
            Assert.Equal((name, ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)), (pod.Metadata.Labels[StatefulPods.PodNameLabel], pod.Metadata.Labels[StatefulPods.PodIndexLabel]));
            await Task.Delay(200);
            Assert.Equal(ordinal + 1, Live().Count); // not ready yet: nothing more is made
            await RunReadyAsync(Registry, name);
        }

        var status = await UntilAsync(() => Set()?.Status is { Replicas: 3, ReadyReplicas: 3, ObservedGeneration: 1 } s ? s : null, "three ready");
        Assert.Equal(status.UpdateRevision, status.CurrentRevision);
        var first = status.UpdateRevision;

        // A rolling update replaces the highest ordinal first, each once the one above is ready again.
        await Registry.PatchAsync(BuiltInKinds.StatefulSet, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}}}""")!.AsObject(), null, WriteOptions.Default, CancellationToken.None);
        var replaced = new List<string>();
        await UntilAsync(
            () => Set()?.Status is { UpdatedReplicas: 3, ReadyReplicas: 3, ObservedGeneration: 2 } s && s.CurrentRevision == s.UpdateRevision ? s : null,
            "rolled to nginx:2",
            async () =>
            {
                foreach (var pod in Live().Where(p => p.Spec.Containers[0].Image == "nginx:2" && p.Status?.Phase != "Running"))
                {
                    replaced.Add(pod.Metadata.Name);
                    await RunReadyAsync(Registry, pod.Metadata.Name);
                }
            });
        Assert.Equal(["web-2", "web-1", "web-0"], replaced);
        Assert.NotEqual(first, Set()!.Status.UpdateRevision);

        // Scaling down deletes the highest ordinal first, and keeps the claims.
        await Registry.PatchAsync(BuiltInKinds.StatefulSet, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":1}}""")!.AsObject(), null, WriteOptions.Default, CancellationToken.None);
        var reversed = true;
        await UntilAsync(() =>
        {
            var names = Live().Select(p => p.Metadata.Name).ToList();
            reversed &= names.Contains("web-1") || !names.Contains("web-2"); // web-1 never goes while web-2 is there
            return names.Count == 1 ? "" : null;
        }, "one left");
        Assert.True(reversed, "web-1 was deleted before web-2");
        Assert.Equal("web-0", Assert.Single(Live()).Metadata.Name);
        Assert.Equal(3, List<V1PersistentVolumeClaim>(Registry, BuiltInKinds.PersistentVolumeClaim).Count);
        await UntilAsync(() => Set()?.Status is { Replicas: 1, ReadyReplicas: 1 } s ? s : null, "the status of one");
    }

    [Fact]
    public async Task Parallel_AllAtOnce_FailedPodMadeAgain()
    {
        await _host.CreateAsync(BuiltInKinds.StatefulSet, SetJson.Replace("\"replicas\":3", "\"replicas\":3,\"podManagementPolicy\":\"Parallel\"", StringComparison.Ordinal));
        await UntilAsync(() => Live().Count == 3 ? "" : null, "three pods without waiting");

        var before = Get<V1Pod>(Registry, BuiltInKinds.Pod, "web-1")!.Metadata.Uid;
        await Registry.PatchAsync(BuiltInKinds.Pod, "default", "web-1", PatchType.Merge, JsonNode.Parse("""{"status":{"phase":"Failed"}}""")!.AsObject(), "status", WriteOptions.Default, CancellationToken.None);
        await UntilAsync(() => Get<V1Pod>(Registry, BuiltInKinds.Pod, "web-1") is { } p && p.Metadata.Uid != before && p.Status?.Phase != "Failed" ? p : null, "web-1 made again");
    }

    [Fact]
    public async Task StatefulSet_OrphanWithAMembersName_AdoptedAndCounted_RelabelledPodReleased()
    {
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:0"}]}}""");
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"other-0","labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:0"}]}}""");
        await _host.UntilInformedAsync(BuiltInKinds.Pod, "web-0");
        await _host.UntilInformedAsync(BuiltInKinds.Pod, "other-0");

        // OnDelete: the orphan, of no revision of the set, is kept as it is rather than rolled.
        await _host.CreateAsync(BuiltInKinds.StatefulSet, SetJson.Replace("\"replicas\":3", "\"replicas\":1,\"updateStrategy\":{\"type\":\"OnDelete\"}", StringComparison.Ordinal));
        var uid = Set()!.Metadata.Uid;

        await UntilAsync(() => Set()?.Status is { Replicas: 1, ObservedGeneration: 1 } s ? s : null, "the orphan counted");
        var owner = Assert.Single(Get<V1Pod>(Registry, BuiltInKinds.Pod, "web-0")!.Metadata.OwnerReferences);
        Assert.Equal(("apps/v1", "StatefulSet", "web", uid, true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Null(Get<V1Pod>(Registry, BuiltInKinds.Pod, "other-0")!.Metadata.OwnerReferences); // matching, but no name of the set's
        Assert.Single(List<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision));

        await Registry.PatchAsync(BuiltInKinds.Pod, "default", "web-0", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"app":"debug"}}}""")!.AsObject(), null, WriteOptions.Default, CancellationToken.None);

        // Released; its name stays taken (upstream's create meets AlreadyExists until the pod goes).
        await UntilAsync(() => Get<V1Pod>(Registry, BuiltInKinds.Pod, "web-0")?.Metadata.OwnerReferences is null ? "" : null, "web-0 released");
    }

    [Fact]
    public async Task StatefulSet_OrphanRevisionOfItsTemplate_AdoptedNotMadeAgain()
    {
        await _host.CreateAsync(BuiltInKinds.StatefulSet, SetJson);
        var first = await UntilAsync(() => List<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision).SingleOrDefault(), "the first revision");

        // Deleted leaving its dependents, orphaned as the collector leaves them (the set first: while it is there, it
        // adopts its revision back at once): the same set made again takes the revision back.
        await Registry.DeleteAsync(BuiltInKinds.StatefulSet, "default", "web", DeleteOptions.Default, CancellationToken.None);
        await UntilAsync(() => Set() is null ? "" : null, "the set gone");
        var released = JsonNode.Parse(k8s.KubernetesJson.Serialize(Get<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision, first.Metadata.Name)))!.AsObject();
        ((JsonObject)released["metadata"]!).Remove("ownerReferences");
        await Registry.UpdateAsync(BuiltInKinds.ControllerRevision, "default", first.Metadata.Name, released, null, WriteOptions.Default, CancellationToken.None);
        await _host.CreateAsync(BuiltInKinds.StatefulSet, SetJson);
        var uid = Set()!.Metadata.Uid;

        var adopted = await UntilAsync(() => Get<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision, first.Metadata.Name) is { Metadata.OwnerReferences: [{ } o] } r && o.Uid == uid ? r : null, "the revision adopted");
        Assert.Equal(first.Metadata.Uid, adopted.Metadata.Uid);
        Assert.Single(List<V1ControllerRevision>(Registry, BuiltInKinds.ControllerRevision));
    }

    private List<V1Pod> Live() => [.. Pods(Registry).Where(p => p.Metadata.DeletionTimestamp is null)];

    private V1StatefulSet? Set() => Get<V1StatefulSet>(Registry, BuiltInKinds.StatefulSet, "web");
}

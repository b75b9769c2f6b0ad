using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The ReplicaSet and ReplicationController controllers on a node's real registry: informers, reconcile loops, Events
/// and writes under the registry's rules. Nothing schedules the pods, so the tests write their status themselves.
/// </summary>
public sealed partial class ReplicaSetControllerTests : IAsyncLifetime
{
    private const string Ns = "default";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "replicasets-" + Guid.NewGuid().ToString("N"));
    private readonly FaultyWriter.Switch _writes = new();
    private Microsoft.AspNetCore.Builder.WebApplication _host = null!;
    private InformerFactory _informers = null!;
    private EventRecorder _events = null!;
    private readonly List<ReconcileLoop> _loops = [];
    private readonly List<ReplicaSetController> _controllers = [];
    private readonly FailureLog _log = new();
    private readonly PodCountMonitor _monitor = new();

    private ResourceRegistry Registry => _host.Services.GetRequiredService<ResourceRegistry>();

    public async Task InitializeAsync()
    {
        // The hosted controller manager leaves replica sets alone: the controllers under test are their only writers.
        _host = NodeHost.Build(["--node:name=rs-node", "--api-address=127.0.0.1:0", "--data-dir=" + _data, "--runtime", "none", "--controllers:enabled=*,-replicaset,-replicationcontroller", "--scheduler:enabled=false"]);
        await _host.StartAsync();
        await _monitor.StartAsync(Registry);
        _informers = new InformerFactory(new RegistrySource(Registry), TimeProvider.System, NullLoggerFactory.Instance);
        _events = new EventRecorder(new RegistryEventSink(Registry), "replica-tests", null, TimeProvider.System, NullLogger.Instance);
        _events.Start();
        foreach (var kind in (ReplicaKind[])[ReplicaKind.ReplicaSet, ReplicaKind.ReplicationController])
        {
            var writer = new FaultyWriter(new RegistryWriter(Registry, kind.Component), _writes);
            var controller = new ReplicaSetController(kind, _informers, writer, _events, TimeProvider.System, _log);
            var loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
            controller.Watch(loop);
            _controllers.Add(controller);
            _loops.Add(loop);
        }

        _informers.Start();
        await _informers.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        _loops.ForEach(l => l.Start());
    }

    public async Task DisposeAsync()
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }

        await _informers.DisposeAsync();
        await _events.DisposeAsync();
        await _monitor.DisposeAsync();
        await _host.StopAsync();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ScaleUp_ZeroToThree_CreatesExactlyThreeOwnedPods_WithEventsAndStatus()
    {
        await CreateSetAsync("web", replicas: 0);
        await UntilStatusAsync("web", s => s.ObservedGeneration == 1 && s.Replicas == 0);

        await ScaleAsync(BuiltInKinds.ReplicaSet, "web", 3);
        var status = await UntilStatusAsync("web", s => s.Replicas == 3 && s.ObservedGeneration == 2);

        var pods = Pods("web");
        Assert.Equal(3, pods.Count);
        Assert.Equal(3, status.FullyLabeledReplicas);
        Assert.Null(status.ReadyReplicas);
        foreach (var pod in pods)
        {
            Assert.StartsWith("web-", pod.Metadata.Name, StringComparison.Ordinal);
            var owner = Assert.Single(pod.Metadata.OwnerReferences);
            Assert.Equal(("apps/v1", "ReplicaSet", "web", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
            Assert.Equal("front", pod.Metadata.Labels["tier"]);
        }

        var created = await UntilEventsAsync("SuccessfulCreate", 3);
        Assert.Equal(pods.Select(p => "Created pod: " + p.Metadata.Name).Order(), created.Select(e => e.Message).Order());
        Assert.Equal(3, _monitor.Max("web"));
    }

    [Fact]
    public async Task ScaleDown_ThreeToTwo_DeletesTheNotReadyPod()
    {
        await CreateSetAsync("web", replicas: 3);
        await UntilStatusAsync("web", s => s.Replicas == 3);
        var pods = Pods("web");
        await SetReadyAsync(pods[0].Metadata.Name, ready: true);
        await SetReadyAsync(pods[1].Metadata.Name, ready: false);
        await SetReadyAsync(pods[2].Metadata.Name, ready: true);
        await UntilStatusAsync("web", s => s.ReadyReplicas == 2);

        await ScaleAsync(BuiltInKinds.ReplicaSet, "web", 2);
        await UntilStatusAsync("web", s => s.Replicas == 2 && s.ObservedGeneration == 2);

        Assert.Equal(new[] { pods[0].Metadata.Name, pods[2].Metadata.Name }.Order(), Pods("web").Select(p => p.Metadata.Name).Order());
        Assert.Equal("Deleted pod: " + pods[1].Metadata.Name, Assert.Single(await UntilEventsAsync("SuccessfulDelete", 1)).Message);
        Assert.Equal(3, _monitor.Max("web"));
    }

    [Fact]
    public async Task ScaleDown_UnassignedFirst_BoundPodTerminatesGracefully_CountsAsGoneAtOnce()
    {
        await CreateSetAsync("web", replicas: 3);
        await UntilStatusAsync("web", s => s.Replicas == 3);
        var pods = Pods("web");
        await Registry.BindAsync(Ns, pods[0].Metadata.Name, "node-a", WriteOptions.Default, CancellationToken.None);
        await Registry.BindAsync(Ns, pods[1].Metadata.Name, "node-a", WriteOptions.Default, CancellationToken.None);

        await ScaleAsync(BuiltInKinds.ReplicaSet, "web", 1);

        // The unassigned pod goes at once; the bound one it deletes stays, terminating, for its grace period, and
        // the set counts it gone from the start: nothing is deleted beyond the two, nothing replaced.
        await UntilStatusAsync("web", s => s.Replicas == 1 && s.ObservedGeneration == 2);
        var kept = Assert.Single(Pods("web"));
        Assert.Equal("node-a", kept.Spec.NodeName);
        Assert.Null(Pod(pods[2].Metadata.Name));
        var terminating = Assert.Single(new[] { pods[0], pods[1] }.Select(p => Pod(p.Metadata.Name)), p => p?.Metadata.DeletionTimestamp is not null);
        Assert.Equal("node-a", terminating!.Spec.NodeName);
        Assert.Equal(2, (await UntilEventsAsync("SuccessfulDelete", 2)).Count);

        // Seen terminating, the bound pod met its expected deletion: the set may act again without waiting for it to go.
        await UntilAsync(() => _controllers[0].Expectations.Get(Ns + "/web") == (0, 0), "both deletions observed");
    }

    [Fact]
    public async Task Orphan_MatchingLabels_AdoptedAndCounted_OnlyTheRestCreated()
    {
        await CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"app":"web","tier":"front"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}""");

        await CreateSetAsync("web", replicas: 2);
        await UntilStatusAsync("web", s => s.Replicas == 2);

        var pods = Pods("web");
        Assert.Equal(2, pods.Count);
        var stray = Assert.Single(pods, p => p.Metadata.Name == "stray");
        var owner = Assert.Single(stray.Metadata.OwnerReferences);
        Assert.Equal(("ReplicaSet", "web", true, true), (owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Single(await UntilEventsAsync("SuccessfulCreate", 1));
    }

    [Fact]
    public async Task Pod_RelabelledAway_ReleasedAndReplaced()
    {
        await CreateSetAsync("web", replicas: 2);
        await UntilStatusAsync("web", s => s.Replicas == 2);
        var leaving = Pods("web")[0].Metadata.Name;

        await Registry.PatchAsync(BuiltInKinds.Pod, Ns, leaving, PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"app":"debug"}}}""")!, null, WriteOptions.Default, CancellationToken.None);

        await UntilAsync(() => Pods("web").Count == 2 && Pod(leaving)?.Metadata.OwnerReferences is null, "the relabelled pod released and replaced");
        Assert.DoesNotContain(leaving, Pods("web").Select(p => p.Metadata.Name));
        await UntilStatusAsync("web", s => s.Replicas == 2);
    }

    [Fact]
    public async Task Pod_Deleted_Replaced()
    {
        await CreateSetAsync("web", replicas: 2);
        await UntilStatusAsync("web", s => s.Replicas == 2);
        var gone = Pods("web")[0].Metadata.Name;

        await Registry.DeleteAsync(BuiltInKinds.Pod, Ns, gone, DeleteOptions.Default, CancellationToken.None);

        await UntilAsync(() => Pods("web").Count == 2 && Pods("web").All(p => p.Metadata.Name != gone), "the deleted pod replaced");
        Assert.Equal(2, _monitor.Max("web"));
    }

    [Fact]
    public async Task Status_PodsGetReady_ReadyAtOnce_AvailableAfterMinReadySeconds()
    {
        await CreateSetAsync("web", replicas: 2, minReadySeconds: 3);
        await UntilStatusAsync("web", s => s.Replicas == 2);

        var readyAt = DateTimeOffset.UtcNow;
        foreach (var pod in Pods("web"))
        {
            await SetReadyAsync(pod.Metadata.Name, ready: true, since: readyAt);
        }

        var ready = await UntilStatusAsync("web", s => s.ReadyReplicas == 2);
        if (DateTimeOffset.UtcNow < readyAt.AddSeconds(3))
        {
            Assert.Null(ready.AvailableReplicas); // not yet ready for long enough (checked only when this assertion runs in time)
        }

        // Nothing changes when the minimum passes: the controller's own requeue finds the pods available.
        var available = await UntilStatusAsync("web", s => s.AvailableReplicas == 2);
        Assert.Equal((2, 2, 2, 1L), (available.Replicas, available.FullyLabeledReplicas, available.ReadyReplicas, available.ObservedGeneration));
    }

    [Fact]
    public async Task ReplicationController_SelectorFromTemplate_CreatesOwnedPods_ScalesDown()
    {
        await CreateAsync(BuiltInKinds.ReplicationController, """{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"legacy"},"spec":{"replicas":3,"template":{"metadata":{"labels":{"app":"legacy"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}""");
        await UntilStatusAsync("legacy", s => s.Replicas == 3, BuiltInKinds.ReplicationController);
        Assert.All(Pods("legacy"), p => Assert.Equal(("v1", "ReplicationController"), (p.Metadata.OwnerReferences.Single().ApiVersion, p.Metadata.OwnerReferences.Single().Kind)));

        await ScaleAsync(BuiltInKinds.ReplicationController, "legacy", 1);

        await UntilStatusAsync("legacy", s => s.Replicas == 1 && s.ObservedGeneration == 2, BuiltInKinds.ReplicationController);
        Assert.Single(Pods("legacy"));
        Assert.Equal(3, _monitor.Max("legacy"));
    }

    [Fact]
    public async Task CreatesRefused_ReplicaFailureAndWarning_OneAttemptPerSync_ThenClearedWhenCreatesWork()
    {
        _writes.On = true;
        await CreateSetAsync("web", replicas: 4);

        var failing = await UntilStatusAsync("web", s => s.Conditions?.Any(c => c.Type == "ReplicaFailure") == true);
        var condition = failing.Conditions.Single();
        Assert.Equal(("True", "FailedCreate", "quota exceeded"), (condition.Status, condition.Reason, condition.Message));
        var warning = (await UntilEventsAsync("FailedCreate", 1))[0];
        Assert.Equal(("Warning", "Error creating: quota exceeded"), (warning.Type, warning.Message));

        _writes.On = false;
        var fine = await UntilStatusAsync("web", s => s.Replicas == 4 && s.Conditions is null);
        Assert.Equal(4, Pods("web").Count);
        Assert.Equal(1, fine.ObservedGeneration);

        // Slow start: each failing sync stopped at its first batch of one, and each refusal was told (the Events of
        // the creates that followed are written after them).
        await UntilEventsAsync("SuccessfulCreate", 4);
        Assert.Equal(_loops[0].Stats.Failures, _writes.Refused);
        Assert.Equal(_writes.Refused, (await UntilEventsAsync("FailedCreate", 1)).Sum(e => e.Count ?? 1));
    }

    [Fact]
    public async Task ScaleUp_PodsShowUpLate_SyncsMeanwhileCreateNothingMore_PodCountNeverExceedsReplicas()
    {
        _writes.Lag = TimeSpan.FromSeconds(2);
        await CreateSetAsync("web", replicas: 3);

        // The first sync's status write (and these changes) enqueue the set again while none of its pods shows yet.
        await UntilStatusAsync("web", s => s.ObservedGeneration == 1);
        for (var i = 0; i < 3; i++)
        {
            await Registry.PatchAsync(BuiltInKinds.ReplicaSet, Ns, "web", PatchType.Merge, Poke(i), null, WriteOptions.Default, CancellationToken.None);
        }

        await Task.WhenAll(_writes.Late).WaitAsync(Deadline);
        await UntilStatusAsync("web", s => s.Replicas == 3);
        Assert.Equal(3, _writes.Late.Count);
        Assert.Equal(3, Pods("web").Count);
        Assert.Equal(3, _monitor.Max("web"));
    }

    [Fact]
    public async Task ScaleUpAndDown_Repeatedly_PodCountNeverExceedsReplicas()
    {
        await CreateSetAsync("web", replicas: 20);
        await UntilStatusAsync("web", s => s.Replicas == 20);

        // Changes to the set while it creates enqueue it again: each sync must trust its expectations, not the cache.
        await ScaleAsync(BuiltInKinds.ReplicaSet, "web", 5);
        await UntilStatusAsync("web", s => s.Replicas == 5 && s.ObservedGeneration == 2);
        Assert.Equal(20, _monitor.Max("web"));
        _monitor.Restart("web");
        await ScaleAsync(BuiltInKinds.ReplicaSet, "web", 30);
        for (var i = 0; i < 5; i++)
        {
            await Registry.PatchAsync(BuiltInKinds.ReplicaSet, Ns, "web", PatchType.Merge, Poke(i), null, WriteOptions.Default, CancellationToken.None);
        }

        await UntilStatusAsync("web", s => s.Replicas == 30 && s.ObservedGeneration == 3);
        Assert.Equal(30, Pods("web").Count);
        Assert.Equal(30, _monitor.Max("web"));
        // 45 creations about one set: as upstream's recorder, the tenth similar Event and all later ones are combined.
        var created = await UntilEventsAsync("SuccessfulCreate", 10);
        Assert.Single(created, e => e.Message.StartsWith(EventCorrelator.CombinedPrefix, StringComparison.Ordinal));
    }

    /// <summary>A change to the set's metadata only: its sync runs again with nothing else new.</summary>
    private static JsonObject Poke(int i) =>
        new() { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["poke"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } } };
}

using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Deployments;
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
/// The deployment controller on a node's real registry. No ReplicaSet controller runs here: the tests play its part
/// (<see cref="ReplicaSetControllerStep"/>), reporting the ReplicaSets' pods one step behind their spec, so each
/// rollout step the controller takes is checked against the state it was taken from.
/// </summary>
public sealed class DeploymentControllerTests : IAsyncLifetime
{
    private const string RollingJson = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"kubernetes.io/change-cause":"first"}},"spec":{"replicas":4,"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":1}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1"}]}}}}""";

    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;
    private ReconcileLoop _loop = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("deploy-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), "deployment-controller", null, TimeProvider.System, NullLogger.Instance);
        var controller = new DeploymentController(_host.Informers, new RegistryWriter(Registry, "deployment-controller"), _events, TimeProvider.System, NullLogger.Instance);
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, NullLogger.Instance);
        controller.Watch(_loop);
        _events.Start();
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Rolling_CreateUpdateRollback_RevisionsAndStepsWithinSurgeAndUnavailability()
    {
        await CreateAsync(BuiltInKinds.Deployment, RollingJson);
        var first = await UntilAsync(() => ReplicaSets().SingleOrDefault(rs => Revision(rs) == "1"), "the first ReplicaSet");
        var hash = first.Metadata.Labels[PodTemplateHash.Label];
        Assert.Equal("web-" + hash, first.Metadata.Name);
        Assert.Equal(hash, first.Spec.Selector.MatchLabels[PodTemplateHash.Label]);
        Assert.Equal("first", first.Metadata.Annotations["kubernetes.io/change-cause"]);
        Assert.Equal(("4", "5"), (first.Metadata.Annotations[Revisions.DesiredReplicas], first.Metadata.Annotations[Revisions.MaxReplicas]));

        await RollOutAsync(first.Metadata.Name);
        var d = await UntilAsync(() => Deployment() is { } x && Progressing(x) == DeploymentConditions.NewRSAvailableReason ? x : null, "the first rollout to complete");
        Assert.Equal("1", d.Metadata.Annotations[Revisions.Revision]);
        Assert.Equal((4, 4, 4, 4), (d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas));
        Assert.Equal("True", d.Status.Conditions.Single(c => c.Type == DeploymentConditions.Available).Status);

        await PatchTemplateAsync("nginx:2", "second");
        var second = await UntilAsync(() => ReplicaSets().SingleOrDefault(rs => Revision(rs) == "2"), "the second ReplicaSet");
        Assert.NotEqual(hash, second.Metadata.Labels[PodTemplateHash.Label]);
        await RollOutAsync(second.Metadata.Name);
        await UntilAsync(() => Deployment() is { } x && x.Metadata.Annotations[Revisions.Revision] == "2" && Progressing(x) == DeploymentConditions.NewRSAvailableReason ? x : null, "the second rollout to complete");
        Assert.Equal(0, ReplicaSet(first.Metadata.Name)!.Spec.Replicas);

        // kubectl rollout undo writes the first template back: its ReplicaSet comes back as revision 3.
        await PatchTemplateAsync("nginx:1", "first");
        var reused = await UntilAsync(() => ReplicaSet(first.Metadata.Name) is { } rs && Revision(rs) == "3" ? rs : null, "the first ReplicaSet reused");
        Assert.Equal("1", reused.Metadata.Annotations[Revisions.RevisionHistory]);
        await RollOutAsync(first.Metadata.Name);
        d = await UntilAsync(() => Deployment() is { } x && x.Metadata.Annotations[Revisions.Revision] == "3" && Progressing(x) == DeploymentConditions.NewRSAvailableReason ? x : null, "the rollback to complete");
        Assert.Equal(2, ReplicaSets().Count);
        Assert.Equal(0, ReplicaSet(second.Metadata.Name)!.Spec.Replicas);

        var scaling = await UntilAsync(() => ScalingEvents() is { Count: > 0 } e && e.Any(m => m.Contains("Scaled down replica set " + second.Metadata.Name, StringComparison.Ordinal)) ? e : null, "the scaling events");
        Assert.Contains($"Scaled up replica set {first.Metadata.Name} from 0 to 4", scaling);
    }

    [Fact]
    public async Task Recreate_OldScaledToZero_NewOnlyOnceTheOldPodsAreGone()
    {
        await CreateAsync(BuiltInKinds.Deployment, RollingJson.Replace("\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":1}", "\"type\":\"Recreate\"", StringComparison.Ordinal).Replace("\"replicas\":4", "\"replicas\":2", StringComparison.Ordinal));
        var first = await UntilAsync(() => ReplicaSets().SingleOrDefault(), "the first ReplicaSet");
        Assert.Equal(2, first.Spec.Replicas);
        await RollOutAsync(first.Metadata.Name);
        await CreateAsync(BuiltInKinds.Pod, $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-old","labels":{"app":"web","pod-template-hash":"{{{first.Metadata.Labels[PodTemplateHash.Label]}}}"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"{{{first.Metadata.Name}}}","uid":"{{{first.Metadata.Uid}}}","controller":true}]},"spec":{"nodeName":"elsewhere","containers":[{"name":"app","image":"nginx:1"}]}}""");

        await PatchTemplateAsync("nginx:2", "second");
        await UntilAsync(() => ReplicaSet(first.Metadata.Name) is { Spec.Replicas: 0 } rs ? rs : null, "the old ReplicaSet scaled to zero");
        await ReplicaSetControllerStep(); // its pods reported gone, but one still runs
        await UntilAsync(() => Deployment() is { Status.ObservedGeneration: 2, Status.Replicas: null } x ? x : null, "the status without old replicas");
        Assert.Single(ReplicaSets());

        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "web-old", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);
        var second = await UntilAsync(() => ReplicaSets().SingleOrDefault(rs => Revision(rs) == "2"), "the new ReplicaSet");
        Assert.Equal(2, second.Spec.Replicas);
    }

    [Fact]
    public async Task RevisionHistoryLimit_OldestZeroReplicaSetsDeleted()
    {
        await CreateAsync(BuiltInKinds.Deployment, RollingJson.Replace("\"replicas\":4", "\"replicas\":1,\"revisionHistoryLimit\":1", StringComparison.Ordinal));
        foreach (var (image, revision) in new[] { ("nginx:1", "1"), ("nginx:2", "2"), ("nginx:3", "3") })
        {
            if (revision != "1")
            {
                await PatchTemplateAsync(image, image);
            }

            var rs = await UntilAsync(() => ReplicaSets().SingleOrDefault(r => Revision(r) == revision), "revision " + revision);
            await RollOutAsync(rs.Metadata.Name);
        }

        var left = await UntilAsync(() => ReplicaSets() is { Count: 2 } all ? all : null, "the history cut to one old ReplicaSet");
        Assert.Equal(["2", "3"], left.Select(Revision).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deployment_OrphanReplicaSetMatchingItsSelector_AdoptedAsAnOldOne()
    {
        await CreateAsync(BuiltInKinds.ReplicaSet, """{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"legacy","labels":{"app":"web"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:0"}]}}}}""");
        await _host.UntilInformedAsync(BuiltInKinds.ReplicaSet, "legacy");

        await CreateAsync(BuiltInKinds.Deployment, RollingJson);
        var uid = Deployment()!.Metadata.Uid;

        var legacy = await UntilAsync(() => ReplicaSet("legacy") is { Metadata.OwnerReferences: [{ } o] } rs && o.Uid == uid ? rs : null, "the orphan adopted");
        var owner = legacy.Metadata.OwnerReferences.Single();
        Assert.Equal(("apps/v1", "Deployment", "web", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
        await UntilAsync(() => ReplicaSets().SingleOrDefault(rs => rs.Metadata.Name != "legacy" && rs.Metadata.OwnerReferences?.Single().Uid == uid), "a new ReplicaSet for the template");
    }

    /// <summary>Plays the ReplicaSet controller until <paramref name="target"/> runs the deployment's full count and no other ReplicaSet has pods, checking every step stays within maxSurge and maxUnavailable.</summary>
    private async Task RollOutAsync(string target)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // Reads after every committed write: a stale read would report availability the pods never lost.
            await Registry.SyncAsync(CancellationToken.None);
            var d = Deployment()!;
            var replicaSets = ReplicaSets();
            var (desired, surge, unavailable) = (d.Spec.Replicas!.Value, Fenceposts.MaxSurge(d), Fenceposts.MaxUnavailable(d));
            if (Fenceposts.IsRollingUpdate(d))
            {
                Assert.True(replicaSets.Sum(rs => rs.Spec.Replicas ?? 0) <= desired + surge, "more pods asked for than maxSurge allows: " + Describe(replicaSets));
                Assert.True(replicaSets.Sum(rs => Math.Min(rs.Spec.Replicas ?? 0, rs.Status?.AvailableReplicas ?? 0)) >= desired - unavailable || replicaSets.Sum(rs => rs.Status?.AvailableReplicas ?? 0) < desired - unavailable, "scaled below maxUnavailable: " + Describe(replicaSets));
            }

            if (replicaSets.All(rs => rs.Metadata.Name == target ? rs.Spec.Replicas == desired && rs.Status?.AvailableReplicas == desired : rs.Spec.Replicas == 0 && (rs.Status?.Replicas ?? 0) == 0))
            {
                return;
            }

            if (!await ReplicaSetControllerStep())
            {
                Assert.True(DateTime.UtcNow < deadline, "the rollout to " + target + " stalled: " + Describe(replicaSets) + "; controller: " + _loop.Stats);
                await Task.Delay(50);
            }
        }
    }

    /// <summary>
    /// One step of a ReplicaSet controller whose pods take a step to become available: a ReplicaSet whose pod count
    /// differs from its spec gets it (new pods not yet available, removed ones gone); one whose pods all exist has them
    /// available. True when something was written.
    /// </summary>
    private async Task<bool> ReplicaSetControllerStep()
    {
        var wrote = false;
        await Registry.SyncAsync(CancellationToken.None);
        foreach (var rs in ReplicaSets())
        {
            var spec = rs.Spec.Replicas ?? 0;
            var (replicas, available) = (rs.Status?.Replicas ?? 0, rs.Status?.AvailableReplicas ?? 0);
            var next = replicas != spec ? (spec, Math.Min(available, spec)) : (spec, spec);
            if (next == (replicas, available) && rs.Status?.ObservedGeneration == rs.Metadata.Generation)
            {
                continue;
            }

            var status = new JsonObject { ["replicas"] = next.Item1, ["readyReplicas"] = next.Item2, ["availableReplicas"] = next.Item2, ["fullyLabeledReplicas"] = next.Item1, ["observedGeneration"] = rs.Metadata.Generation };
            await Registry.PatchAsync(BuiltInKinds.ReplicaSet, "default", rs.Metadata.Name, PatchType.Merge, new JsonObject { ["status"] = status }, "status", WriteOptions.Default, CancellationToken.None);
            wrote = true;
        }

        return wrote;
    }

    private Task CreateAsync(ResourceKind kind, string json) => _host.CreateAsync(kind, json);

    private Task PatchTemplateAsync(string image, string changeCause) =>
        Registry.PatchAsync(
            BuiltInKinds.Deployment, "default", "web", PatchType.Merge,
            new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["kubernetes.io/change-cause"] = changeCause } },
                ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) } } },
            },
            null, WriteOptions.Default, CancellationToken.None);

    private V1Deployment? Deployment() => Registry.Cache(BuiltInKinds.Deployment).Get("default", "web") is { } c ? Parse<V1Deployment>(c.Json) : null;

    private V1ReplicaSet? ReplicaSet(string name) => Registry.Cache(BuiltInKinds.ReplicaSet).Get("default", name) is { } c ? Parse<V1ReplicaSet>(c.Json) : null;

    private List<V1ReplicaSet> ReplicaSets() => [.. Registry.Cache(BuiltInKinds.ReplicaSet).List("default").Items.Select(c => Parse<V1ReplicaSet>(c.Json))];

    private List<string> ScalingEvents() =>
        [.. Registry.Cache(BuiltInKinds.Event).List("default").Items.Select(c => Parse<Corev1Event>(c.Json)).Where(e => e.Reason == "ScalingReplicaSet" && e.Source.Component == "deployment-controller").Select(e => e.Message)];

    private static string? Revision(V1ReplicaSet rs) => rs.Metadata.Annotations?.TryGetValue(Revisions.Revision, out var r) == true ? r : null;

    private static string? Progressing(V1Deployment d) => d.Status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentConditions.Progressing)?.Reason;

    private static string Describe(IEnumerable<V1ReplicaSet> rss) =>
        string.Join("; ", rss.Select(rs => $"{rs.Metadata.Name} spec {rs.Spec.Replicas} pods {rs.Status?.Replicas} available {rs.Status?.AvailableReplicas}"));

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
}

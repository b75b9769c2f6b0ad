using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Disruption;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The disruption controller on a node's real registry. Nothing runs the pods: the tests write their readiness, and
/// the evictions' bookkeeping (disruptedPods) as the eviction subresource would. The controller's clock is manual.
/// </summary>
public sealed class DisruptionControllerTests : IAsyncLifetime
{
    private readonly FailureLog _log = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;
    private EventRecorder _events = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("pdb-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), "controllermanager", null, TimeProvider.System, NullLogger.Instance);
        _events.Start();
        var controller = new DisruptionController(_host.Informers, new RegistryWriter(Registry, "disruption-controller"), _events, _clock, _log);
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
        controller.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _events.DisposeAsync();
    }

    [Fact]
    public async Task MaxUnavailable_AgainstTheReplicaSetsScale_StatusFollowsReadiness()
    {
        var uid = await CreateReplicaSetAsync("web", replicas: 4);
        for (var i = 1; i <= 3; i++)
        {
            await CreatePodAsync("web-" + i, "ReplicaSet", "web", uid, ready: true);
        }

        await _host.CreateAsync(BuiltInKinds.PodDisruptionBudget, """{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web"},"spec":{"maxUnavailable":"50%","selector":{"matchLabels":{"app":"web"}}}}""");

        // 4 wanted, half may be unavailable: 2 must stay healthy; 3 are.
        var status = await UntilAsync(s => s.ExpectedPods == 4 && s.CurrentHealthy == 3);
        Assert.Equal((2, 1, 1L), (status.DesiredHealthy, status.DisruptionsAllowed, status.ObservedGeneration));
        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("DisruptionAllowed", "True", "SufficientPods"), (condition.Type, condition.Status, condition.Reason));

        await SetReadyAsync("web-2", false);
        status = await UntilAsync(s => s.CurrentHealthy == 2);
        Assert.Equal(0, status.DisruptionsAllowed);
        Assert.Equal(("False", "InsufficientPods"), (status.Conditions.Single().Status, status.Conditions.Single().Reason));

        // A new spec is observed: minAvailable as an int counts the pods there are.
        await Registry.PatchAsync(BuiltInKinds.PodDisruptionBudget, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"maxUnavailable":null,"minAvailable":1}}""")!, null, WriteOptions.Default, CancellationToken.None);
        status = await UntilAsync(s => s.ObservedGeneration == 2);
        Assert.Equal((3, 1, 2, 1), (status.ExpectedPods!.Value, status.DesiredHealthy, status.CurrentHealthy, status.DisruptionsAllowed));
    }

    [Fact]
    public async Task Eviction_RecordedInDisruptedPods_NotHealthyUntilTimeout_ThenForgotten()
    {
        var uid = await CreateReplicaSetAsync("api", replicas: 3);
        for (var i = 1; i <= 3; i++)
        {
            await CreatePodAsync("api-" + i, "ReplicaSet", "api", uid, ready: true);
        }

        await _host.CreateAsync(BuiltInKinds.PodDisruptionBudget, """{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"api"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"api"}}}}""");
        await UntilAsync(s => s.DisruptionsAllowed == 1, "api");

        // As the eviction subresource does: spend the disruption and name the pod; the pod is never deleted.
        var pdb = Read("api")!;
        pdb.Status.DisruptionsAllowed = 0;
        pdb.Status.DisruptedPods = new Dictionary<string, DateTime?> { ["api-1"] = _clock.GetUtcNow().UtcDateTime };
        await Registry.UpdateAsync(BuiltInKinds.PodDisruptionBudget, "default", "api", JsonNode.Parse(KubernetesJson.Serialize(pdb))!.AsObject(), "status", WriteOptions.Default, CancellationToken.None);
        var status = await UntilAsync(s => s.DisruptedPods?.ContainsKey("api-1") == true && s.CurrentHealthy == 2, "api");
        Assert.Equal(0, status.DisruptionsAllowed);

        _clock.Advance(DisruptionStatusPlanner.DeletionTimeout + TimeSpan.FromSeconds(1));
        await Registry.PatchAsync(BuiltInKinds.PodDisruptionBudget, "default", "api", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"touched":"yes"}}}""")!, null, WriteOptions.Default, CancellationToken.None);
        status = await UntilAsync(s => s.DisruptedPods is null && s.CurrentHealthy == 3, "api");
        Assert.Equal(1, status.DisruptionsAllowed);
        await UntilEventAsync("NotDeleted", "Pod was expected by PDB default/api to be deleted but it wasn't");
    }

    [Fact]
    public async Task PercentOfAPodWithoutController_FailSafe_NoDisruptions()
    {
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"orphan-1","labels":{"app":"orphan"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"nowhere","uid":"no-such-uid","controller":true}]},"spec":{"nodeName":"elsewhere","containers":[{"name":"app","image":"simulated"}]}}""");
        await SetReadyAsync("orphan-1", true);
        await _host.CreateAsync(BuiltInKinds.PodDisruptionBudget, """{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"orphan"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"orphan"}}}}""");

        var status = await UntilAsync(s => s.ObservedGeneration == 1, "orphan");

        Assert.Equal(0, status.DisruptionsAllowed);
        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("False", "SyncFailed", "found no controllers for pod \"orphan-1\""), (condition.Status, condition.Reason, condition.Message));
        await UntilEventAsync("CalculateExpectedPodCountFailed", "Failed to calculate the number of expected pods: found no controllers for pod \"orphan-1\"");
    }

    private async Task<string> CreateReplicaSetAsync(string name, int replicas)
    {
        var stored = await Registry.CreateAsync(BuiltInKinds.ReplicaSet, "default", JsonNode.Parse($$$$$"""{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"{{{{{name}}}}}"},"spec":{"replicas":{{{{{replicas}}}}},"selector":{"matchLabels":{"app":"{{{{{name}}}}}"}},"template":{"metadata":{"labels":{"app":"{{{{{name}}}}}"}},"spec":{"containers":[{"name":"app","image":"simulated"}]}}}}""")!.AsObject(), WriteOptions.Default, CancellationToken.None);
        return JsonNode.Parse(stored.Json)!["metadata"]!["uid"]!.GetValue<string>();
    }

    private async Task CreatePodAsync(string name, string ownerKind, string owner, string ownerUid, bool ready)
    {
        await _host.CreateAsync(BuiltInKinds.Pod, $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{"app":"{{{owner}}}"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"{{{ownerKind}}}","name":"{{{owner}}}","uid":"{{{ownerUid}}}","controller":true}]},"spec":{"nodeName":"elsewhere","containers":[{"name":"app","image":"simulated"}]}}""");
        await SetReadyAsync(name, ready);
    }

    private Task SetReadyAsync(string name, bool ready) =>
        Registry.PatchAsync(
            BuiltInKinds.Pod, "default", name, PatchType.Merge,
            JsonNode.Parse($$$"""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}"}]}}""")!,
            "status", WriteOptions.Default, CancellationToken.None);

    private V1PodDisruptionBudget? Read(string name) =>
        Registry.Cache(BuiltInKinds.PodDisruptionBudget).Get("default", name) is { } cached ? KubernetesJson.Deserialize<V1PodDisruptionBudget>(Encoding.UTF8.GetString(cached.Json)) : null;

    private async Task<V1PodDisruptionBudgetStatus> UntilAsync(Func<V1PodDisruptionBudgetStatus, bool> condition, string name = "web")
    {
        V1PodDisruptionBudget? last = null;
        for (var i = 0; i < 200; i++)
        {
            last = Read(name);
            if (last?.Status is { } status && condition(status))
            {
                return status;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"the budget never reached the expected status; last: {(last is null ? "none" : KubernetesJson.Serialize(last.Status))}; controller: {_loop.Stats}, last failure: {_log.Last}");
    }

    private async Task UntilEventAsync(string reason, string message)
    {
        var seen = "";
        for (var i = 0; i < 200; i++)
        {
            var events = Registry.Cache(BuiltInKinds.Event).List(null).Items.Select(e => KubernetesJson.Deserialize<Corev1Event>(Encoding.UTF8.GetString(e.Json))).ToList();
            if (events.Any(e => e.Reason == reason && e.Message == message))
            {
                return;
            }

            seen = string.Join("; ", events.Select(e => e.Reason + ": " + e.Message));
            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"no {reason} event \"{message}\"; seen: {seen}");
    }
}

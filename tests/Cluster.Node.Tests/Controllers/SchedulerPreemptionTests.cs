using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Scheduling;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The scheduler's preemption on a node's real registry, its own instance the only scheduler; no kubelet runs, so the
/// test finishes the victims' graceful deletion itself, at the moment it chooses.
/// </summary>
public sealed class SchedulerPreemptionTests : IAsyncLifetime
{
    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;
    private Scheduler _scheduler = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("preempt-node");
        // The host's own node (registered as it starts) takes no pods here: only the test's nodes count.
        for (var i = 0; i < 200 && Registry.Cache(BuiltInKinds.Node).Get("", "preempt-node") is null; i++)
        {
            await Task.Delay(50);
        }

        await Registry.PatchAsync(BuiltInKinds.Node, "", "preempt-node", PatchType.Merge, JsonNode.Parse("""{"spec":{"unschedulable":true}}""")!, null, WriteOptions.Default, CancellationToken.None);
        _events = new EventRecorder(new RegistryEventSink(Registry), SchedulerProfile.DefaultSchedulerName, null, TimeProvider.System, NullLogger.Instance);
        _events.Start();
        _scheduler = new Scheduler(_host.Informers, new RegistryBinder(Registry), _events, DefaultProfile.Create(), new SchedulerSettings(), TimeProvider.System, NullLogger.Instance, new Random(7));
        _scheduler.Watch();
        await _host.RunAsync();
        _scheduler.Start();
    }

    public async Task DisposeAsync()
    {
        await _scheduler.DisposeAsync();
        await _events.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task HighPriorityPod_FitsNowhere_LeastImportantVictimPreempted_RoomHeldUntilItBinds()
    {
        foreach (var (name, value) in new[] { ("low", 10), ("mid", 50), ("high", 1000) })
        {
            await CreateAsync(BuiltInKinds.PriorityClass, "", $$$"""{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{{{name}}}"},"value":{{{value}}}}""");
        }

        await CreateNodeAsync("n1");
        await CreateNodeAsync("n2");
        await CreatePodAsync("low-1", "low", node: "n1");
        await CreatePodAsync("mid-1", "mid", node: "n2");

        await CreatePodAsync("urgent", "high");

        var nominated = await UntilPodAsync("urgent", p => p.Status?.NominatedNodeName is { Length: > 0 });
        Assert.Equal("n1", nominated.Status.NominatedNodeName);
        var victim = await UntilPodAsync("low-1", p => p.Metadata.DeletionTimestamp is not null);
        var disruption = Assert.Single(victim.Status.Conditions, c => c.Type == "DisruptionTarget");
        Assert.Equal(("True", "PreemptionByScheduler"), (disruption.Status, disruption.Reason));
        Assert.Null(Pod("mid-1")!.Metadata.DeletionTimestamp);
        await UntilEventAsync("Preempted", $"Preempted by pod {nominated.Metadata.Uid} on node n1");

        // A pod as unimportant as the victim arrives while the victim terminates: the room is not its to take.
        await CreatePodAsync("latecomer", "low");
        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "low-1", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);

        var bound = await UntilPodAsync("urgent", p => !string.IsNullOrEmpty(p.Spec.NodeName));
        Assert.Equal("n1", bound.Spec.NodeName);
        var latecomer = await UntilPodAsync("latecomer", p => p.Status?.Conditions?.Any(c => c.Reason == "Unschedulable") == true);
        Assert.Null(latecomer.Spec.NodeName);
        // It cannot preempt pods of its own priority or higher: nothing else was deleted.
        Assert.Null(Pod("mid-1")!.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task PreemptionPolicyNever_PodWaits_NothingPreempted()
    {
        await CreateAsync(BuiltInKinds.PriorityClass, "", """{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"polite"},"value":1000,"preemptionPolicy":"Never"}""");
        await CreateNodeAsync("n1");
        await CreatePodAsync("squatter", null, node: "n1");

        await CreatePodAsync("polite", "polite");

        var pending = await UntilPodAsync("polite", p => p.Status?.Conditions?.Any(c => c.Reason == "Unschedulable") == true);
        Assert.Equal("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: not eligible due to preemptionPolicy=Never.", pending.Status.Conditions.Single(c => c.Type == "PodScheduled").Message);
        Assert.Null(Pod("squatter")!.Metadata.DeletionTimestamp);
    }

    private Task CreateAsync(ResourceKind kind, string ns, string json) =>
        Registry.CreateAsync(kind, ns, JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);

    private async Task CreateNodeAsync(string name)
    {
        await CreateAsync(BuiltInKinds.Node, "", $$$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{{name}}}}","labels":{"kubernetes.io/hostname":"{{{{name}}}}"}}}""");
        await Registry.PatchAsync(BuiltInKinds.Node, "", name, PatchType.Merge,
            JsonNode.Parse("""{"status":{"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"},"capacity":{"cpu":"2","memory":"4Gi","pods":"110"},"conditions":[{"type":"Ready","status":"True"}]}}""")!,
            "status", WriteOptions.Default, CancellationToken.None);
    }

    /// <summary>A pod asking for a whole node (2 cpu), bound to <paramref name="node"/> or left to the scheduler.</summary>
    private async Task CreatePodAsync(string name, string? priorityClass, string? node = null)
    {
        var spec = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "simulated", ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "2" } } }),
        };
        if (priorityClass is not null)
        {
            spec["priorityClassName"] = priorityClass;
        }

        if (node is not null)
        {
            spec["nodeName"] = node;
        }

        await CreateAsync(BuiltInKinds.Pod, "default", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec }.ToJsonString());
        if (node is not null)
        {
            await Registry.PatchAsync(BuiltInKinds.Pod, "default", name, PatchType.Merge, JsonNode.Parse("""{"status":{"phase":"Running"}}""")!, "status", WriteOptions.Default, CancellationToken.None);
        }
    }

    private V1Pod? Pod(string name) =>
        Registry.Cache(BuiltInKinds.Pod).Get("default", name) is { } cached ? KubernetesJson.Deserialize<V1Pod>(Encoding.UTF8.GetString(cached.Json)) : null;

    private async Task<V1Pod> UntilPodAsync(string name, Func<V1Pod, bool> condition)
    {
        V1Pod? last = null;
        for (var i = 0; i < 200; i++)
        {
            last = Pod(name);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"pod {name} never reached the expected state; last: {(last is null ? "none" : KubernetesJson.Serialize(last))}; scheduler: {_scheduler.Stats}");
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

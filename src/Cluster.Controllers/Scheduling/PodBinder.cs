using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Controllers.Scheduling;

/// <summary>The scheduler's writes: a binding, the PodScheduled=False condition of a pod that fits nowhere, and preemption's.</summary>
public interface IPodBinder
{
    /// <summary>POST pods/{name}/binding: refused (409) when the pod is bound already or being deleted.</summary>
    Task BindAsync(string ns, string name, string node, CancellationToken ct);

    Task MarkUnschedulableAsync(string ns, string name, string message, DateTimeOffset now, CancellationToken ct);

    /// <summary>Sets (or, with null, clears) the pod's status.nominatedNodeName.</summary>
    Task NominateAsync(string ns, string name, string? node, CancellationToken ct);

    /// <summary>
    /// Evicts a preemption victim as upstream: the DisruptionTarget condition (reason PreemptionByScheduler) first,
    /// then a graceful delete of that very pod (its uid the precondition).
    /// </summary>
    Task PreemptAsync(string ns, string name, string uid, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The member's registry as the binder, under the registry's rules as any client's writes.</summary>
public sealed class RegistryBinder(ResourceRegistry registry) : IPodBinder
{
    private readonly WriteOptions _options = new(FieldManager: SchedulerProfile.DefaultSchedulerName);

    public Task BindAsync(string ns, string name, string node, CancellationToken ct) =>
        registry.BindAsync(ns, name, node, _options, ct);

    public Task NominateAsync(string ns, string name, string? node, CancellationToken ct)
    {
        var patch = new JsonObject { ["status"] = new JsonObject { ["nominatedNodeName"] = node } };
        return registry.PatchAsync(BuiltInKinds.Pod, ns, name, PatchType.StrategicMerge, patch, "status", _options, ct);
    }

    public async Task PreemptAsync(string ns, string name, string uid, DateTimeOffset now, CancellationToken ct)
    {
        var condition = new JsonObject
        {
            ["type"] = Preemption.Preemptor.DisruptionTargetCondition,
            ["status"] = "True",
            ["lastTransitionTime"] = ObjectMeta.Timestamp(now),
            ["reason"] = Preemption.Preemptor.PreemptionByScheduler,
            ["message"] = SchedulerProfile.DefaultSchedulerName + ": preempting to accommodate a higher priority pod",
        };
        var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) } };
        await registry.PatchAsync(BuiltInKinds.Pod, ns, name, PatchType.StrategicMerge, patch, "status", _options, ct).ConfigureAwait(false);
        await registry.DeleteAsync(BuiltInKinds.Pod, ns, name, new DeleteOptions(PreconditionUid: uid), ct).ConfigureAwait(false);
    }

    public Task MarkUnschedulableAsync(string ns, string name, string message, DateTimeOffset now, CancellationToken ct)
    {
        var condition = new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "False",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = ObjectMeta.Timestamp(now),
            ["reason"] = "Unschedulable",
            ["message"] = message,
        };
        var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) } };
        return registry.PatchAsync(BuiltInKinds.Pod, ns, name, PatchType.StrategicMerge, patch, "status", _options, ct);
    }
}

using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Controllers.Scheduling;

/// <summary>The scheduler's two writes: a binding, and the PodScheduled=False condition of a pod that fits nowhere.</summary>
public interface IPodBinder
{
    /// <summary>POST pods/{name}/binding: refused (409) when the pod is bound already or being deleted.</summary>
    Task BindAsync(string ns, string name, string node, CancellationToken ct);

    Task MarkUnschedulableAsync(string ns, string name, string message, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The member's registry as the binder, under the registry's rules as any client's writes.</summary>
public sealed class RegistryBinder(ResourceRegistry registry) : IPodBinder
{
    private readonly WriteOptions _options = new(FieldManager: SchedulerProfile.DefaultSchedulerName);

    public Task BindAsync(string ns, string name, string node, CancellationToken ct) =>
        registry.BindAsync(ns, name, node, _options, ct);

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

using System.Runtime.CompilerServices;
using System.Text.Json;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>What the replica controller asks of a pod (upstream's podutil and controller helpers).</summary>
public static class PodFacts
{
    /// <summary>Upstream's IsPodActive: not finished and not terminating; only active pods count as replicas.</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata?.DeletionTimestamp is null;

    public static bool IsReady(V1Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>When the pod last became ready (null: not ready, or no transition time recorded).</summary>
    public static DateTimeOffset? ReadySince(V1Pod pod) =>
        ReadyCondition(pod) is { Status: "True", LastTransitionTime: { } since } ? new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)) : null;

    /// <summary>
    /// Upstream's IsPodAvailable: ready, and for at least <paramref name="minReadySeconds"/> (strictly before
    /// <paramref name="now"/>); a ready pod without a transition time is never available when a minimum is set.
    /// </summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTimeOffset now) =>
        IsReady(pod) && (minReadySeconds == 0 || (ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) < now));

    /// <summary>The owner reference marked controller (upstream's GetControllerOf).</summary>
    public static V1OwnerReference? ControllerOf(V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);

    /// <summary>
    /// A pod version's controller reference and whether it is terminating, read without parsing the whole pod, and
    /// once per version: the handlers of several controllers see every change of every pod. Callers only read it.
    /// </summary>
    public static (V1OwnerReference? Controller, bool Terminating) Peek(CachedObject pod) => Peeked.GetValue(pod, static p => new PeekResult(Read(p))).Value;

    private static readonly ConditionalWeakTable<CachedObject, PeekResult> Peeked = [];

    private sealed record PeekResult((V1OwnerReference? Controller, bool Terminating) Value);

    private static (V1OwnerReference? Controller, bool Terminating) Read(CachedObject pod)
    {
        using var document = JsonDocument.Parse(pod.Json);
        if (!document.RootElement.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return (null, false);
        }

        var terminating = metadata.TryGetProperty("deletionTimestamp", out var since) && since.ValueKind == JsonValueKind.String;
        if (metadata.TryGetProperty("ownerReferences", out var owners) && owners.ValueKind == JsonValueKind.Array)
        {
            foreach (var owner in owners.EnumerateArray())
            {
                if (owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty("controller", out var controller) && controller.ValueKind == JsonValueKind.True)
                {
                    return (new V1OwnerReference { ApiVersion = Text(owner, "apiVersion"), Kind = Text(owner, "kind"), Name = Text(owner, "name"), Uid = Text(owner, "uid"), Controller = true }, terminating);
                }
            }
        }

        return (null, terminating);
    }

    public static IReadOnlyDictionary<string, string> Labels(V1ObjectMeta? metadata) =>
        metadata?.Labels is { } labels ? labels.AsReadOnly() : Empty;

    public static string Key(V1Pod pod) => pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static string Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static V1PodCondition? ReadyCondition(V1Pod pod) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
}

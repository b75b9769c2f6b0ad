using System.Text.Json.Nodes;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>The controller's writes: pods created and deleted (with their Events), and status.</summary>
public sealed partial class ReplicaSetController
{
    /// <summary>Upstream's PodControl.CreatePods: a Warning Event when the registry refuses the pod, a Normal one naming it when it takes it.</summary>
    private Task CreatePodAsync(ReplicaSetView set, CancellationToken ct) =>
        PodControl.CreateAsync(_writer, _events, set.Reference, set.Namespace, Json(PodTemplates.PodFor(set)), ct);

    /// <summary>Upstream's PodControl.DeletePod; a failed delete is no longer expected. Returns the failure (a pod already gone is none).</summary>
    private Task<Exception?> DeletePodAsync(ReplicaSetView set, V1Pod pod, CancellationToken ct) =>
        PodControl.DeleteAsync(_writer, _events, set.Reference, pod, () => Expectations.DeletionObserved(set.Key, PodFacts.Key(pod)), ct);

    /// <summary>
    /// Writes the status when it says something new. A 409 means the set changed since it was read: that change
    /// enqueues the set again, and that sync writes the status from the newer version.
    /// </summary>
    private async Task WriteStatusAsync(ReplicaSetView set, V1ReplicaSetStatus status, CancellationToken ct)
    {
        if (!ReplicaStatusPlanner.Differs(set.Status, status))
        {
            return;
        }

        var json = (JsonObject)set.Json.DeepClone();
        json["status"] = Json(status);
        try
        {
            await _writer.UpdateStatusAsync(_kind.Kind, set.Namespace, set.Name, json, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            LogStatusConflict(_logger, _kind.Name, set.Key);
        }
    }

    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    [LoggerMessage(EventId = 7404, Level = LogLevel.Debug, Message = "{Controller} {Key}: the status write met a newer version; its sync writes it")]
    private static partial void LogStatusConflict(ILogger logger, string controller, string key);
}

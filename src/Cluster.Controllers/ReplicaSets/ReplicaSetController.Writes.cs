using System.Text.Json.Nodes;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>The controller's writes: claims, pods created and deleted (with their Events), and status.</summary>
public sealed partial class ReplicaSetController
{
    /// <summary>
    /// Claims the active pods (upstream's claimPods): adopts matching orphans and releases owned pods that no longer
    /// match, each a replace at the informer's version (a change meanwhile fails it with 409 and the sync is retried);
    /// a pod gone meanwhile is passed over. Returns the set's replicas.
    /// </summary>
    private async Task<List<V1Pod>> ClaimAsync(ReplicaSetView set, IReadOnlyList<(CachedObject Cached, V1Pod Pod)> active, CancellationToken ct)
    {
        var claim = PodClaims.Plan(set, active.Select(p => p.Pod));
        var owned = new List<V1Pod>(claim.Owned);
        var versions = active.ToDictionary(p => (object)p.Pod, p => p.Cached, ReferenceEqualityComparer.Instance);
        foreach (var pod in claim.Adopt)
        {
            var json = versions[pod].ToJsonObject();
            if (ObjectMeta.Metadata(json)["ownerReferences"] is not JsonArray owners)
            {
                ObjectMeta.Metadata(json)["ownerReferences"] = owners = [];
            }

            owners.Add(Json(set.Kind.ControllerRef(set)));
            if (await ReplacePodAsync(json, releasing: false, ct).ConfigureAwait(false))
            {
                LogAdopted(_logger, _kind.Name, set.Key, pod.Metadata.Name);
                owned.Add(pod);
            }
        }

        foreach (var pod in claim.Release)
        {
            var json = versions[pod].ToJsonObject();
            var owners = (ObjectMeta.Metadata(json)["ownerReferences"] as JsonArray ?? []).Where(o => o?["uid"]?.GetValue<string>() != set.Uid).Select(o => o?.DeepClone()).ToArray();
            ObjectMeta.Metadata(json).Remove("ownerReferences");
            if (owners.Length > 0)
            {
                ObjectMeta.Metadata(json)["ownerReferences"] = new JsonArray(owners);
            }

            if (await ReplacePodAsync(json, releasing: true, ct).ConfigureAwait(false))
            {
                LogReleased(_logger, _kind.Name, set.Key, pod.Metadata.Name);
            }
        }

        return owned;
    }

    /// <returns>False when the pod is gone (or, releasing, invalid to change: upstream's release passes both over).</returns>
    private async Task<bool> ReplacePodAsync(JsonObject pod, bool releasing, CancellationToken ct)
    {
        try
        {
            await _writer.UpdateAsync(BuiltInKinds.Pod, ObjectMeta.GetString(pod["metadata"], "namespace") ?? "", ObjectMeta.Name(pod), pod, ct).ConfigureAwait(false);
            return true;
        }
        catch (ApiException e) when (e.Code == 404 || (releasing && e.Code == 422))
        {
            return false;
        }
    }

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

    [LoggerMessage(EventId = 7405, Level = LogLevel.Debug, Message = "{Controller} {Key}: adopted pod {Pod}")]
    private static partial void LogAdopted(ILogger logger, string controller, string key, string pod);

    [LoggerMessage(EventId = 7406, Level = LogLevel.Debug, Message = "{Controller} {Key}: released pod {Pod}")]
    private static partial void LogReleased(ILogger logger, string controller, string key, string pod);
}

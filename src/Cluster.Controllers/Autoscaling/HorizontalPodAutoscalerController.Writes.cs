using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Autoscaling;

/// <summary>The autoscaler's writes: the target's spec.replicas and its own status.</summary>
public sealed partial class HorizontalPodAutoscalerController
{
    /// <summary>
    /// Sets the target's spec.replicas at the informer's version of it (a conflict fails the sync, retried with
    /// back-off on fresh state), as a write to its scale subresource does. A failure is told in the status and an Event.
    /// </summary>
    private async Task RescaleAsync(CachedObject cached, V2HorizontalPodAutoscaler hpa, string original, ScaleTarget target, int desired, string reason, CancellationToken ct)
    {
        var status = hpa.Status;
        var now = Now();
        var obj = target.Cached.ToJsonObject();
        var spec = obj["spec"] as JsonObject ?? (JsonObject)(obj["spec"] = new JsonObject());
        spec["replicas"] = desired;
        try
        {
            await _writer.UpdateAsync(target.Kind, target.Cached.Namespace, target.Cached.Name, obj, ct).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            LogRescaleFailed(_logger, e, cached.Key, target.Cached.Key, desired);
            _events.Warning(Reference(hpa), "FailedRescale", $"New size: {desired}; reason: {reason}; error: {e.Message}");
            SetCondition(status, "AbleToScale", false, "FailedUpdateScale", "the HPA controller was unable to update the target scale: " + e.Message, now);
            status.CurrentReplicas = target.Replicas;
            await WriteStatusAsync(cached, hpa, original, ct).ConfigureAwait(false);
            throw;
        }

        SetCondition(status, "AbleToScale", true, "SucceededRescale", $"the HPA controller was able to update the target scale to {desired}", now);
        _events.Normal(Reference(hpa), "SuccessfulRescale", $"New size: {desired}; reason: {reason}");
        LogRescaled(_logger, cached.Key, target.Cached.Key, target.Replicas, desired, reason);
    }

    /// <summary>Upstream's updateStatusIfNeeded: written only when it changed, at the informer's version of the autoscaler.</summary>
    private async Task WriteStatusAsync(CachedObject cached, V2HorizontalPodAutoscaler hpa, string original, CancellationToken ct)
    {
        var status = KubernetesJson.Serialize(hpa.Status);
        if (status == original)
        {
            return;
        }

        var obj = cached.ToJsonObject();
        obj["status"] = JsonNode.Parse(status);
        await _writer.UpdateStatusAsync(BuiltInKinds.HorizontalPodAutoscaler, cached.Namespace, cached.Name, obj, ct).ConfigureAwait(false);
    }
}

using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.DaemonSets;

/// <summary>The controller's writes: pods created and deleted (with their Events) and the status.</summary>
public sealed partial class DaemonSetController
{
    /// <summary>Upstream's syncNodes: deletions at once, creations in slow-start batches; the first failure, if any.</summary>
    private async Task<Exception?> SyncNodesAsync(V1DaemonSet ds, string key, DaemonPlan plan, string hash, CancellationToken ct)
    {
        if (plan.CreateOn.Count == 0 && plan.Delete.Count == 0)
        {
            return null;
        }

        LogSyncNodes(_logger, key, plan.CreateOn.Count, plan.Delete.Count);
        Expectations.ExpectCreations(key, plan.CreateOn.Count);
        var (created, failure) = await SlowStart.BatchAsync(plan.CreateOn.Count, 1, (i, c) => CreatePodAsync(ds, plan.CreateOn[i], hash, c), ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        for (var i = created; i < plan.CreateOn.Count; i++)
        {
            Expectations.CreationObserved(key); // never made, never seen
        }

        Expectations.ExpectDeletions(key, [.. plan.Delete.Select(PodFacts.Key)]);
        var failures = await Task.WhenAll(plan.Delete.Select(p => DeletePodAsync(ds, key, p, ct))).ConfigureAwait(false);
        return failure ?? failures.FirstOrDefault(f => f is not null);
    }

    private Task CreatePodAsync(V1DaemonSet ds, string node, string hash, CancellationToken ct) =>
        PodControl.CreateAsync(_writer, _events, Reference(ds), ds.Metadata.NamespaceProperty, Json(DaemonPods.PodFor(ds, node, hash)), ct);

    private Task<Exception?> DeletePodAsync(V1DaemonSet ds, string key, V1Pod pod, CancellationToken ct) =>
        PodControl.DeleteAsync(_writer, _events, Reference(ds), pod, () => Expectations.DeletionObserved(key, PodFacts.Key(pod)), ct);

    /// <summary>Writes the status when it says something new; a 409 means a newer version, whose own sync writes it.</summary>
    private async Task WriteStatusAsync(CachedObject cached, V1DaemonSet ds, V1DaemonSetStatus status, CancellationToken ct)
    {
        if (!DaemonSetPlanner.Differs(ds.Status, status))
        {
            return;
        }

        var json = cached.ToJsonObject();
        json["status"] = Json(status);
        try
        {
            await _writer.UpdateStatusAsync(BuiltInKinds.DaemonSet, cached.Namespace, cached.Name, json, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            LogStatusConflict(_logger, cached.Key);
        }
    }

    private static V1ObjectReference Reference(V1DaemonSet ds) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "DaemonSet",
        NamespaceProperty = ds.Metadata.NamespaceProperty,
        Name = ds.Metadata.Name,
        Uid = ds.Metadata.Uid,
        ResourceVersion = ds.Metadata.ResourceVersion,
    };

    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    [LoggerMessage(EventId = 8003, Level = LogLevel.Debug, Message = "DaemonSet {Key}: the status write met a newer version; its sync writes it")]
    private static partial void LogStatusConflict(ILogger logger, string key);
}

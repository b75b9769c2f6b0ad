using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.StatefulSets;

/// <summary>The controller's writes: claims and pods created, pods deleted (with upstream's Events), and the status.</summary>
public sealed partial class StatefulSetController
{
    /// <summary>Carries the steps out in order; returns the first failure (the rest are left to the retried sync).</summary>
    private async Task<Exception?> ExecuteAsync(V1StatefulSet set, IReadOnlyList<StatefulStep> steps, CancellationToken ct)
    {
        foreach (var step in steps)
        {
            try
            {
                switch (step)
                {
                    case CreateStatefulPod create:
                        await CreateClaimsAsync(set, create.Pod.Metadata.Name, create.Claims, ct).ConfigureAwait(false);
                        await CreatePodAsync(set, create.Pod, ct).ConfigureAwait(false);
                        break;
                    case CreateMissingClaims missing:
                        await CreateClaimsAsync(set, missing.Pod, missing.Claims, ct).ConfigureAwait(false);
                        break;
                    case UpdateClaimOwners owners:
                        await UpdateClaimOwnersAsync(owners, ct).ConfigureAwait(false);
                        break;
                    case DeleteStatefulPod delete:
                        LogDeleting(_logger, set.Metadata.Name, delete.Pod.Metadata.Name, delete.Reason);
                        await DeletePodAsync(set, delete.Pod, ct).ConfigureAwait(false);
                        break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>An update of the cached claim (a newer version makes it a 409, and the retried sync plans again).</summary>
    private async Task UpdateClaimOwnersAsync(UpdateClaimOwners step, CancellationToken ct)
    {
        var claim = step.Claim;
        if (_claims.Get(claim.Metadata.NamespaceProperty, claim.Metadata.Name) is not { } cached || cached.Uid != claim.Metadata.Uid)
        {
            return;
        }

        var json = cached.ToJsonObject();
        json["metadata"]!["ownerReferences"] = JsonNode.Parse(KubernetesJson.Serialize(step.Owners));
        await _writer.UpdateAsync(BuiltInKinds.PersistentVolumeClaim, claim.Metadata.NamespaceProperty, claim.Metadata.Name, json, ct).ConfigureAwait(false);
    }

    /// <summary>Upstream's createPersistentVolumeClaims: a claim already there (made by an earlier sync, or by hand) is used as it is.</summary>
    private async Task CreateClaimsAsync(V1StatefulSet set, string pod, IReadOnlyList<V1PersistentVolumeClaim> claims, CancellationToken ct)
    {
        foreach (var claim in claims)
        {
            try
            {
                await _writer.CreateAsync(BuiltInKinds.PersistentVolumeClaim, set.Metadata.NamespaceProperty, Json(claim), ct).ConfigureAwait(false);
                _events.Normal(Reference(set), "SuccessfulCreate", $"create Claim {claim.Metadata.Name} Pod {pod} in StatefulSet {set.Metadata.Name} success");
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // made meanwhile: the claim is there, which is all the pod needs
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _events.Warning(Reference(set), "FailedCreate", $"create Claim {claim.Metadata.Name} for Pod {pod} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
                throw;
            }
        }
    }

    private async Task CreatePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await _writer.CreateAsync(BuiltInKinds.Pod, set.Metadata.NamespaceProperty, Json(pod), ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            return; // the cache had not seen it yet; the pod informer's event syncs the set again
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _events.Warning(Reference(set), "FailedCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
            throw;
        }

        _events.Normal(Reference(set), "SuccessfulCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
    }

    private async Task DeletePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            if (await _writer.DeleteAsync(BuiltInKinds.Pod, set.Metadata.NamespaceProperty, pod.Metadata.Name, ct).ConfigureAwait(false))
            {
                _events.Normal(Reference(set), "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _events.Warning(Reference(set), "FailedDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
            throw;
        }
    }

    /// <summary>Writes the status when it says something new; a 409 means a newer version, whose own sync writes it.</summary>
    private async Task WriteStatusAsync(CachedObject cached, V1StatefulSet set, V1StatefulSetStatus status, CancellationToken ct)
    {
        if (set.Status is { } stored && KubernetesJson.Serialize(stored) == KubernetesJson.Serialize(status))
        {
            return;
        }

        var json = cached.ToJsonObject();
        json["status"] = Json(status);
        try
        {
            await _writer.UpdateStatusAsync(BuiltInKinds.StatefulSet, cached.Namespace, cached.Name, json, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            LogStatusConflict(_logger, cached.Key);
        }
    }

    private static V1ObjectReference Reference(V1StatefulSet set) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        NamespaceProperty = set.Metadata.NamespaceProperty,
        Name = set.Metadata.Name,
        Uid = set.Metadata.Uid,
        ResourceVersion = set.Metadata.ResourceVersion,
    };

    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    [LoggerMessage(EventId = 8023, Level = LogLevel.Debug, Message = "StatefulSet {Key}: the status write met a newer version; its sync writes it")]
    private static partial void LogStatusConflict(ILogger logger, string key);

    [LoggerMessage(EventId = 8024, Level = LogLevel.Information, Message = "StatefulSet {Set}: deleting pod {Pod} ({Reason})")]
    private static partial void LogDeleting(ILogger logger, string set, string pod, string reason);
}

using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Ownership;

/// <summary>
/// Upstream's ControllerRefManager (PodControllerRefManager, ControllerRevisionControllerRefManager,
/// ReplicaSetControllerRefManager): a controller's claim over the objects its selector matches, with the writes.
/// Adoption adds the controller reference (controller and blockOwnerDeletion set) and release removes it, each a
/// replace at the informer's version: a change meanwhile (another controller adopting first) fails it with 409, as
/// upstream's patch fails validation, and the sync is retried. Before the first adoption of a claim the owner is read
/// fresh from the registry (upstream's RecheckDeletionTimestamp): one being deleted adopts nothing.
/// </summary>
public sealed partial class ControllerRefManager(IObjectWriter writer, ILogger logger)
{
    /// <summary>
    /// The objects a claim can concern, found without parsing the namespace's others: those that reference the owner
    /// (it may have to release them) and those its selector matches (it may have to adopt them).
    /// </summary>
    public static IEnumerable<CachedObject> Candidates(SharedInformer informer, ClaimOwner owner, LabelSelector selector) =>
        informer.ByIndex(Indexers.OwnerUid, owner.Uid)
            .UnionBy(informer.ByIndex(Indexers.Namespace, owner.Namespace).Where(o => selector.Matches(o.Labels)), o => o.Key, StringComparer.Ordinal)
            .Where(o => o.Namespace == owner.Namespace);

    /// <summary>
    /// ClaimObjects: adopts matching orphans and releases what no longer matches among <paramref name="candidates"/>
    /// (each with the cached version it was read from); returns what the owner controls afterwards: what it kept and
    /// what it adopted. An object gone meanwhile is passed over; any other failure is thrown once every object was
    /// tried (upstream's aggregate), so the sync is retried.
    /// </summary>
    public async Task<List<T>> ClaimAsync<T>(
        ResourceKind kind, ClaimOwner owner, IEnumerable<(CachedObject Cached, T Object)> candidates, Func<T, V1ObjectMeta> metadata, Func<T, bool> matches, CancellationToken ct)
    {
        var list = candidates.ToList();
        var claim = ClaimPlanner.Plan(owner, list, c => metadata(c.Object), c => matches(c.Object));
        var owned = claim.Owned.Select(c => c.Object).ToList();
        var failures = new List<Exception>();
        string? cannotAdopt = null;
        var rechecked = false;
        foreach (var (cached, obj) in claim.Adopt)
        {
            if (!rechecked)
            {
                cannotAdopt = await CannotAdoptAsync(owner, ct).ConfigureAwait(false);
                rechecked = true;
            }

            if (cannotAdopt is not null)
            {
                failures.Add(new InvalidOperationException($"can't adopt {kind.Kind} {cached.Key}: {cannotAdopt}"));
                continue;
            }

            if (await TryWriteAsync(kind, Adopted(cached, owner), releasing: false, failures, ct).ConfigureAwait(false))
            {
                LogAdopted(logger, owner.ToString(), kind.Kind, cached.Key);
                owned.Add(obj);
            }
        }

        foreach (var (cached, _) in claim.Release)
        {
            if (await TryWriteAsync(kind, Released(cached, owner), releasing: true, failures, ct).ConfigureAwait(false))
            {
                LogReleased(logger, owner.ToString(), kind.Kind, cached.Key);
            }
        }

        return failures.Count switch
        {
            0 => owned,
            1 => throw new ClaimException(owner, failures[0]),
            _ => throw new ClaimException(owner, new AggregateException(failures)),
        };
    }

    /// <summary>
    /// ClaimPods over the pods informer: <paramref name="consider"/> narrows what is claimed at all (upstream's replica
    /// controller claims active pods only); <paramref name="filter"/> is upstream's filters, checked after the selector:
    /// a pod failing it is not the owner's (released, if it was).
    /// </summary>
    public Task<List<V1Pod>> ClaimPodsAsync(
        SharedInformer pods, ClaimOwner owner, LabelSelector selector, Func<CachedObject, V1Pod> parse, CancellationToken ct, Func<V1Pod, bool>? consider = null, Func<V1Pod, bool>? filter = null)
    {
        var candidates = Candidates(pods, owner, selector).Select(p => (Cached: p, Pod: parse(p))).Where(p => consider?.Invoke(p.Pod) != false);
        return ClaimAsync(BuiltInKinds.Pod, owner, candidates, p => p.Metadata, p => selector.Matches(PodFacts.Labels(p.Metadata)) && filter?.Invoke(p) != false, ct);
    }

    /// <summary>Why <paramref name="owner"/> may not adopt, read fresh from the registry; null when it may.</summary>
    public async Task<string?> CannotAdoptAsync(ClaimOwner owner, CancellationToken ct)
    {
        var fresh = await writer.GetAsync(owner.Kind, owner.Namespace, owner.Name, ct).ConfigureAwait(false);
        var metadata = fresh?["metadata"] is JsonObject m ? KubernetesJson.Deserialize<V1ObjectMeta>(m.ToJsonString()) : null;
        return ClaimPlanner.CannotAdopt(owner, metadata);
    }

    /// <returns>False when the object is gone (or, releasing, invalid to change: upstream's ReleasePod passes both over).</returns>
    private async Task<bool> TryWriteAsync(ResourceKind kind, JsonObject obj, bool releasing, List<Exception> failures, CancellationToken ct)
    {
        try
        {
            await writer.UpdateAsync(kind, ObjectMeta.GetString(obj["metadata"], "namespace") ?? "", ObjectMeta.Name(obj), obj, ct).ConfigureAwait(false);
            return true;
        }
        catch (ApiException e) when (e.Code == 404 || (releasing && e.Code == 422))
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failures.Add(e);
            return false;
        }
    }

    /// <summary>The cached version with the owner's controller reference added.</summary>
    public static JsonObject Adopted(CachedObject cached, ClaimOwner owner)
    {
        var json = cached.ToJsonObject();
        var metadata = ObjectMeta.Metadata(json);
        if (metadata["ownerReferences"] is not JsonArray owners)
        {
            metadata["ownerReferences"] = owners = [];
        }

        owners.Add(JsonNode.Parse(KubernetesJson.Serialize(owner.ControllerRef)));
        return json;
    }

    /// <summary>The cached version without the owner's references (upstream's GenerateDeleteOwnerRefStrategicMergeBytes).</summary>
    public static JsonObject Released(CachedObject cached, ClaimOwner owner)
    {
        var json = cached.ToJsonObject();
        var metadata = ObjectMeta.Metadata(json);
        var kept = (metadata["ownerReferences"] as JsonArray ?? []).Where(o => o?["uid"]?.GetValue<string>() != owner.Uid).Select(o => o?.DeepClone()).ToArray();
        metadata.Remove("ownerReferences");
        if (kept.Length > 0)
        {
            metadata["ownerReferences"] = new JsonArray(kept);
        }

        return json;
    }

    /// <summary>An adoption or release failed; the owner's sync is retried.</summary>
    public sealed class ClaimException(ClaimOwner owner, Exception inner) : Exception($"claiming for {owner}: {inner.Message}", inner);

    [LoggerMessage(EventId = 8650, Level = LogLevel.Debug, Message = "{Owner}: adopted {Kind} {Key}")]
    private static partial void LogAdopted(ILogger logger, string owner, string kind, string key);

    [LoggerMessage(EventId = 8651, Level = LogLevel.Debug, Message = "{Owner}: released {Kind} {Key}")]
    private static partial void LogReleased(ILogger logger, string owner, string kind, string key);
}

using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.History;

/// <summary>
/// The set a history belongs to: its metadata, the controller reference its revisions carry, the labels they get (the
/// template's, so the set's selector finds them as <c>kubectl rollout history</c> looks them up), the label their hash
/// goes in, and how a collision count turns into a hash.
/// </summary>
public sealed record RevisionOwner(V1ObjectMeta Metadata, V1OwnerReference ControllerRef, IDictionary<string, string>? TemplateLabels, string HashLabel, Func<int, string> HashFor);

/// <summary>
/// The history's writes (upstream's realHistory): revisions are read from the informer, made, renumbered and deleted
/// through the registry. Shared by the DaemonSet and StatefulSet controllers.
/// </summary>
public sealed class ControllerRevisions
{
    /// <summary>Name collisions tried before giving up: each one is a distinct template hashing to a taken name.</summary>
    private const int MaxCollisions = 16;

    private readonly SharedInformer _revisions;
    private readonly IObjectWriter _writer;

    public ControllerRevisions(InformerFactory informers, IObjectWriter writer)
    {
        _revisions = informers.For(BuiltInKinds.ControllerRevision);
        _revisions.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        _writer = writer;
    }

    public SharedInformer Informer => _revisions;

    /// <summary>
    /// The revisions <paramref name="owner"/> controls, oldest first, after adopting the orphans its selector matches
    /// and releasing its own that no longer match (upstream's controlledHistories and adoptOrphanRevisions).
    /// </summary>
    public async Task<List<Revision>> ClaimAsync(ControllerRefManager refs, ClaimOwner owner, LabelSelector selector, CancellationToken ct)
    {
        var candidates = ControllerRefManager.Candidates(_revisions, owner, selector).Select(c => (c, Revision.From(c)));
        var claimed = await refs.ClaimAsync(BuiltInKinds.ControllerRevision, owner, candidates, r => r.Metadata, r => selector.Matches(PodFacts.Labels(r.Metadata)), ct).ConfigureAwait(false);
        return RevisionHistory.Sort(claimed);
    }

    /// <summary>
    /// Carries out <paramref name="step"/> for <paramref name="data"/>; returns the revision holding it and the collision
    /// count its name took (upstream's CreateControllerRevision: a name taken by other data is a collision, one taken by
    /// the same data is the revision made by an earlier sync).
    /// </summary>
    public async Task<(Revision Revision, int CollisionCount)> EnsureAsync(RevisionOwner owner, RevisionStep step, JsonObject data, int collisionCount, CancellationToken ct)
    {
        switch (step)
        {
            case KeepRevision keep:
                return (keep.Revision, collisionCount);
            case RenumberRevision renumber:
                return (await RenumberAsync(renumber, ct).ConfigureAwait(false), collisionCount);
        }

        var number = ((CreateRevision)step).Number;
        var canonical = RevisionData.Canonical(data);
        for (var tries = 0; tries < MaxCollisions; tries++, collisionCount++)
        {
            var hash = owner.HashFor(collisionCount);
            var revision = New(owner, hash, data, number);
            try
            {
                var created = await _writer.CreateAsync(BuiltInKinds.ControllerRevision, owner.Metadata.NamespaceProperty, revision, ct).ConfigureAwait(false);
                return (new Revision(KubernetesJson.Deserialize<V1ObjectMeta>(created["metadata"]!.ToJsonString()), number, canonical), collisionCount);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                var name = RevisionHash.Name(owner.Metadata.Name, hash);
                if (_revisions.Get(owner.Metadata.NamespaceProperty, name) is not { } cached)
                {
                    throw; // not yet seen: the retried sync finds it
                }

                var existing = Revision.From(cached);
                if (existing.Data == canonical)
                {
                    return (existing, collisionCount);
                }
            }
        }

        throw new InvalidOperationException($"{MaxCollisions} name collisions making a revision of {owner.Metadata.NamespaceProperty}/{owner.Metadata.Name}");
    }

    /// <summary>Deletes revisions the history limit lets go; one already gone is passed over.</summary>
    public async Task DeleteAsync(IEnumerable<Revision> revisions, CancellationToken ct)
    {
        foreach (var revision in revisions)
        {
            await _writer.DeleteAsync(BuiltInKinds.ControllerRevision, revision.Metadata.NamespaceProperty, revision.Name, ct).ConfigureAwait(false);
        }
    }

    private async Task<Revision> RenumberAsync(RenumberRevision step, CancellationToken ct)
    {
        var revision = step.Revision;
        if (_revisions.Get(revision.Metadata.NamespaceProperty, revision.Name) is not { } cached)
        {
            throw new InvalidOperationException($"revision {revision.Name} is gone");
        }

        var json = cached.ToJsonObject();
        json["revision"] = step.Number;
        await _writer.UpdateAsync(BuiltInKinds.ControllerRevision, revision.Metadata.NamespaceProperty, revision.Name, json, ct).ConfigureAwait(false);
        return revision with { Number = step.Number };
    }

    private static JsonObject New(RevisionOwner owner, string hash, JsonObject data, long number)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in owner.TemplateLabels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        labels[owner.HashLabel] = hash;
        var metadata = new JsonObject
        {
            ["name"] = RevisionHash.Name(owner.Metadata.Name, hash),
            ["namespace"] = owner.Metadata.NamespaceProperty,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(JsonNode.Parse(KubernetesJson.Serialize(owner.ControllerRef))),
        };
        if (owner.Metadata.Annotations is { Count: > 0 } annotations)
        {
            metadata["annotations"] = JsonNode.Parse(KubernetesJson.Serialize(annotations));
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ControllerRevision",
            ["metadata"] = metadata,
            ["data"] = data.DeepClone(),
            ["revision"] = number,
        };
    }
}

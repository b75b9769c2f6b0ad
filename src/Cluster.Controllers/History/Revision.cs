using System.Text.Json.Nodes;
using Cluster.Controllers.Deployments;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.History;

/// <summary>
/// A ControllerRevision as the history reasons about it: its metadata, its revision number and its data as canonical
/// JSON (keys sorted, unset values dropped), so two revisions of the same template compare equal however they were
/// spelled.
/// </summary>
public sealed record Revision(V1ObjectMeta Metadata, long Number, string Data)
{
    public string Name => Metadata.Name;

    /// <summary>Reads a cached ControllerRevision.</summary>
    public static Revision From(CachedObject cached)
    {
        var json = cached.ToJsonObject();
        var metadata = KubernetesJson.Deserialize<V1ObjectMeta>(json["metadata"]?.ToJsonString() ?? "{}");
        var number = json["revision"] is JsonValue value && value.TryGetValue<long>(out var n) ? n : 0;
        return new Revision(metadata, number, RevisionData.Canonical(json["data"]));
    }

    /// <summary>Whether <paramref name="uid"/> is its controller.</summary>
    public bool IsControlledBy(string uid) => Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) == true;
}

/// <summary>
/// What a DaemonSet's or StatefulSet's ControllerRevision holds (upstream's getPatch): the pod template as a strategic
/// merge patch that replaces the set's template whole, which is what <c>kubectl rollout undo</c> applies. Pure.
/// </summary>
public static class RevisionData
{
    /// <summary>The revision data of <paramref name="template"/>, canonical.</summary>
    public static JsonObject Of(V1PodTemplateSpec template)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(template))!.AsObject();
        node["$patch"] = "replace";
        var data = new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
        return (JsonObject)PodTemplateHash.Normalize(data)!;
    }

    /// <summary>The data as canonical JSON text: what revisions are compared and hashed by.</summary>
    public static string Canonical(JsonNode? data) => PodTemplateHash.Normalize(data)?.ToJsonString() ?? "{}";

    /// <summary>The pod template a revision's data restores (upstream's ApplyRevision, for the template the data replaces).</summary>
    public static V1PodTemplateSpec Template(string data)
    {
        if (JsonNode.Parse(data)?["spec"]?["template"]?.DeepClone() is not JsonObject template)
        {
            return new V1PodTemplateSpec();
        }

        template.Remove("$patch");
        return KubernetesJson.Deserialize<V1PodTemplateSpec>(template.ToJsonString());
    }
}

using System.Text.Json;
using Cluster.Core.Registry.Cache;

namespace Cluster.Controllers.Informers;

/// <summary>The index functions controllers look objects up by (client-go's cache indexers).</summary>
public static class Indexers
{
    public const string Namespace = "namespace";
    public const string OwnerUid = "owner-uid";
    public const string NodeName = "node-name";

    public static IEnumerable<string> ByNamespace(CachedObject obj) => [obj.Namespace];

    /// <summary>The uids of the object's ownerReferences: a controller finds what it owns without a scan.</summary>
    public static IEnumerable<string> ByOwnerUid(CachedObject obj)
    {
        List<string>? uids = null;
        using var document = JsonDocument.Parse(obj.Json);
        if (document.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("ownerReferences", out var owners)
            && owners.ValueKind == JsonValueKind.Array)
        {
            foreach (var owner in owners.EnumerateArray())
            {
                if (owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty("uid", out var uid) && uid.GetString() is { Length: > 0 } value)
                {
                    (uids ??= []).Add(value);
                }
            }
        }

        return uids ?? [];
    }

    /// <summary>A pod's spec.nodeName (none while it is unscheduled).</summary>
    public static IEnumerable<string> ByNodeName(CachedObject obj) =>
        WatchTrigger.ValueOf(obj, "spec.nodeName") is { Length: > 0 } node ? [node] : [];
}

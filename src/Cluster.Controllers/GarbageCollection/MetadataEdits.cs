using System.Text.Json.Nodes;

namespace Cluster.Controllers.GarbageCollection;

/// <summary>The collector's changes to a stored object's metadata, made on a fresh copy before an update under its resourceVersion.</summary>
public static class MetadataEdits
{
    /// <summary>Drops the ownerReferences to <paramref name="uids"/>; false when there were none.</summary>
    public static bool RemoveOwnerReferences(JsonObject obj, IReadOnlySet<string> uids)
    {
        if (obj["metadata"]?["ownerReferences"] is not JsonArray refs)
        {
            return false;
        }

        var doomed = refs.Where(r => r?["uid"]?.GetValue<string>() is { } uid && uids.Contains(uid)).ToList();
        foreach (var r in doomed)
        {
            refs.Remove(r);
        }

        return doomed.Count > 0;
    }

    /// <summary>Drops <paramref name="finalizer"/> from metadata.finalizers; false when it was not there.</summary>
    public static bool RemoveFinalizer(JsonObject obj, string finalizer)
    {
        if (obj["metadata"]?["finalizers"] is not JsonArray finalizers)
        {
            return false;
        }

        var doomed = finalizers.Where(f => f?.GetValue<string>() == finalizer).ToList();
        foreach (var f in doomed)
        {
            finalizers.Remove(f);
        }

        return doomed.Count > 0;
    }
}

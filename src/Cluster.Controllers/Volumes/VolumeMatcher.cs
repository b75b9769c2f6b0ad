using Cluster.Controllers.Deployments;
using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>
/// Which PersistentVolume a claim may bind (upstream's persistentVolumeOrderedIndex.findByClaim with
/// FindMatchingVolume, and checkVolumeSatisfyClaim for a claim that names its volume).
/// </summary>
public static class VolumeMatcher
{
    private const string Storage = "storage";
    private const string Filesystem = "Filesystem";

    /// <summary>The claim's class: the beta annotation, else spec.storageClassName; "" is no class.</summary>
    public static string ClassOf(V1PersistentVolumeClaim claim) =>
        VolumeAnnotations.Get(claim.Metadata?.Annotations, VolumeAnnotations.BetaStorageClass) ?? claim.Spec?.StorageClassName ?? "";

    /// <summary>The volume's class: the beta annotation, else spec.storageClassName; "" is no class.</summary>
    public static string ClassOf(V1PersistentVolume volume) =>
        VolumeAnnotations.Get(volume.Metadata?.Annotations, VolumeAnnotations.BetaStorageClass) ?? volume.Spec?.StorageClassName ?? "";

    /// <summary>Whether the volume's claimRef names the claim (and its uid, when the ref has one).</summary>
    public static bool IsBoundTo(V1PersistentVolume volume, V1PersistentVolumeClaim claim) =>
        volume.Spec?.ClaimRef is { } r && r.Name == claim.Metadata.Name && r.NamespaceProperty == claim.Metadata.NamespaceProperty
        && (string.IsNullOrEmpty(r.Uid) || r.Uid == claim.Metadata.Uid);

    /// <summary>The storage of a capacity or request list in bytes (0 when it has none).</summary>
    public static decimal StorageOf(IDictionary<string, ResourceQuantity>? resources) =>
        resources is not null && resources.TryGetValue(Storage, out var quantity) ? quantity.ToDecimal() : 0m;

    public static decimal RequestOf(V1PersistentVolumeClaim claim) => StorageOf(claim.Spec?.Resources?.Requests);

    public static decimal CapacityOf(V1PersistentVolume volume) => StorageOf(volume.Spec?.Capacity);

    /// <summary>Whether the volume offers every access mode the claim asks for.</summary>
    public static bool AccessModesFit(V1PersistentVolumeClaim claim, V1PersistentVolume volume)
    {
        var offered = volume.Spec?.AccessModes ?? [];
        return (claim.Spec?.AccessModes ?? []).All(offered.Contains);
    }

    public static bool VolumeModesDiffer(V1PersistentVolumeClaim claim, V1PersistentVolume volume) =>
        (claim.Spec?.VolumeMode ?? Filesystem) != (volume.Spec?.VolumeMode ?? Filesystem);

    /// <summary>
    /// The volume the claim should bind: one pre-bound to it wins; otherwise the smallest Available volume of the
    /// claim's class whose labels match its selector. As upstream, volumes are tried in groups of equal access modes,
    /// the groups that offer every requested mode and the fewest others first. With <paramref name="delayBinding"/>
    /// (a WaitForFirstConsumer class whose claim has no node yet) only a pre-bound volume is returned.
    /// </summary>
    public static V1PersistentVolume? FindBestMatch(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, bool delayBinding)
    {
        var requested = claim.Spec?.AccessModes ?? [];
        var groups = volumes
            .GroupBy(v => string.Join(",", (v.Spec?.AccessModes ?? []).Distinct().Order(StringComparer.Ordinal)), StringComparer.Ordinal)
            .Where(g => requested.All(m => g.First().Spec?.AccessModes?.Contains(m) == true))
            .OrderBy(g => g.First().Spec?.AccessModes?.Distinct().Count() ?? 0)
            .ThenBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (FindInGroup(claim, group, delayBinding) is { } match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Why the volume a claim names cannot serve it, or null when it can (upstream checkVolumeSatisfyClaim).</summary>
    public static string? Unsatisfied(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        if (CapacityOf(volume) < RequestOf(claim))
        {
            return "requested PV is too small";
        }

        if (ClassOf(volume) != ClassOf(claim))
        {
            return "storageClassName does not match";
        }

        if (VolumeModesDiffer(claim, volume))
        {
            return "incompatible volumeMode";
        }

        return AccessModesFit(claim, volume) ? null : "incompatible accessMode";
    }

    private static V1PersistentVolume? FindInGroup(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, bool delayBinding)
    {
        var request = RequestOf(claim);
        var className = ClassOf(claim);
        var selector = claim.Spec?.Selector is { } s ? DeploymentPlanner.Selector(s) : null;
        V1PersistentVolume? smallest = null;
        // By name so equal sizes pick the same volume whatever order the cache lists them in.
        foreach (var volume in volumes.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal))
        {
            if (volume.Spec?.ClaimRef is not null && !IsBoundTo(volume, claim))
            {
                continue;
            }

            var capacity = CapacityOf(volume);
            if (capacity < request || VolumeModesDiffer(claim, volume) || volume.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            if (IsBoundTo(volume, claim))
            {
                return volume;
            }

            // The rest need the binder to choose: not while the claim waits for its first consumer, not volumes
            // whose phase is about to change, not another class's, not those the selector leaves out.
            if (delayBinding || volume.Status?.Phase != VolumePhases.Available || ClassOf(volume) != className
                || (selector is not null && !selector.Matches(volume.Metadata.Labels?.AsReadOnly() ?? Empty)))
            {
                continue;
            }

            if (smallest is null || CapacityOf(smallest) > capacity)
            {
                smallest = volume;
            }
        }

        return smallest;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

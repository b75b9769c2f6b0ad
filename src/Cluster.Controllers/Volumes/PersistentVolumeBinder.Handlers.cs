using Cluster.Controllers.Informers;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>The binder's informer handlers: which claim and volume keys a change enqueues.</summary>
public sealed partial class PersistentVolumeBinder
{
    /// <summary>The claim, and the volumes it names or that name it (a deleted claim releases them).</summary>
    private HashSet<string> ClaimChanged(CachedObject? old, CachedObject? now)
    {
        var obj = (now ?? old)!;
        var keys = new HashSet<string>(StringComparer.Ordinal) { ClaimPrefix + obj.Key };
        foreach (var version in (CachedObject?[])[old, now])
        {
            if (version is not null && Claim(version).Spec?.VolumeName is { Length: > 0 } volume)
            {
                keys.Add(VolumePrefix + volume);
            }
        }

        foreach (var volume in _volumes.ByIndex(ByClaimRef, ClaimPrefix + obj.Key))
        {
            keys.Add(VolumePrefix + volume.Name);
        }

        return keys;
    }

    /// <summary>
    /// The volume and the claim it names; a volume that becomes free also has every claim waiting for a volume tried
    /// at once (upstream leaves that to its 15 s resync).
    /// </summary>
    private HashSet<string> VolumeChanged(CachedObject? old, CachedObject? now)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { VolumePrefix + (now ?? old)!.Name };
        foreach (var version in (CachedObject?[])[old, now])
        {
            if (version is not null && ClaimKeyOf(Volume(version)) is { } claim)
            {
                keys.Add(claim);
            }
        }

        if (now is not null && Volume(now) is { Spec.ClaimRef: null, Status.Phase: VolumePhases.Available } && (old is null || Volume(old).Status?.Phase != VolumePhases.Available))
        {
            keys.UnionWith(WaitingClaims(null));
        }

        return keys;
    }

    /// <summary>The unbound claims (of <paramref name="className"/>, or of any class).</summary>
    private IEnumerable<string> WaitingClaims(string? className)
    {
        foreach (var cached in _claims.List())
        {
            var claim = Claim(cached);
            if (string.IsNullOrEmpty(claim.Spec?.VolumeName) && (className is null || VolumeMatcher.ClassOf(claim) == className))
            {
                yield return ClaimPrefix + cached.Key;
            }
        }
    }

    /// <summary>A pod just bound to a node: its claims, which may wait for their first consumer.</summary>
    private IEnumerable<string> PodScheduled(CachedObject? old, CachedObject? now)
    {
        // Every pod's binding passes here: most mount no claim, and the raw bytes say so without a parse.
        if (now is null || !Indexers.ByNodeName(now).Any() || (old is not null && Indexers.ByNodeName(old).Any())
            || now.Json.AsSpan().IndexOf("\"persistentVolumeClaim\""u8) < 0)
        {
            return [];
        }

        return (now.As<V1Pod>().Spec?.Volumes ?? [])
            .Where(v => v.PersistentVolumeClaim is not null)
            .Select(v => ClaimPrefix + CachedObject.KeyOf(now.Namespace, v.PersistentVolumeClaim.ClaimName));
    }
}

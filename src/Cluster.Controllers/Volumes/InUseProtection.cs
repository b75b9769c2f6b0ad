using Cluster.Core.Registry.Admission;
using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>
/// Upstream's storage-object-in-use protection (pkg/controller/volume/pvcprotection and pvprotection): a finalizer keeps
/// a PersistentVolumeClaim while a scheduled pod mounts it, and a PersistentVolume while it is Bound, so deleting either
/// waits until nothing uses it. The decisions, without the informers.
/// </summary>
public static class InUseProtection
{
    public const string ClaimFinalizer = StorageProtectionAdmission.ClaimFinalizer;
    public const string VolumeFinalizer = StorageProtectionAdmission.VolumeFinalizer;

    /// <summary>Not being deleted and without the finalizer: it is added (upstream NeedToAddFinalizer).</summary>
    public static bool NeedsFinalizer(V1ObjectMeta meta, string finalizer) =>
        meta.DeletionTimestamp is null && meta.Finalizers?.Contains(finalizer) != true;

    /// <summary>Being deleted and still held by the finalizer: it goes once unused (upstream IsDeletionCandidate).</summary>
    public static bool IsDeletionCandidate(V1ObjectMeta meta, string finalizer) =>
        meta.DeletionTimestamp is not null && meta.Finalizers?.Contains(finalizer) == true;

    /// <summary>
    /// Whether <paramref name="pod"/> uses the claim: only a scheduled pod counts (a node never starts a pod whose claim
    /// is being deleted), by a persistentVolumeClaim volume, or by a generic ephemeral volume the pod owns while it runs.
    /// </summary>
    public static bool PodUsesClaim(V1Pod pod, V1PersistentVolumeClaim claim)
    {
        if (string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            return false;
        }

        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            if (volume.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name)
            {
                return true;
            }

            if (volume.Ephemeral is not null && !IsShutDown(pod) && EphemeralClaimName(pod, volume) == claim.Metadata.Name
                && claim.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == pod.Metadata.Uid) == true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The names of the claims <paramref name="pod"/> mounts (ephemeral ones by their generated name).</summary>
    public static IEnumerable<string> ClaimNames(V1Pod pod) =>
        (pod.Spec?.Volumes ?? [])
            .Select(v => v.PersistentVolumeClaim?.ClaimName ?? (v.Ephemeral is not null ? EphemeralClaimName(pod, v) : null))
            .OfType<string>();

    /// <summary>A volume is in use while a claim is bound to it (upstream's pv-protection checks the phase only).</summary>
    public static bool VolumeInUse(V1PersistentVolume volume) => volume.Status?.Phase == "Bound";

    // ephemeral.VolumeClaimName: the pod's name and the volume's, joined by a dash.
    private static string EphemeralClaimName(V1Pod pod, V1Volume volume) => pod.Metadata.Name + "-" + volume.Name;

    private static bool IsShutDown(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";
}

using k8s;
using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>One write of a binding: the new version of the volume or claim, of its spec and metadata or of its status.</summary>
public sealed record BindWrite(V1PersistentVolume? Volume, V1PersistentVolumeClaim? Claim, bool Status);

/// <summary>
/// The writes that bind a claim to a volume, in upstream's order (bind): the volume's claimRef, the volume's phase,
/// the claim's volumeName and bind-completed annotation, the claim's status. Each reconcile makes the first one still
/// missing; the write's own event brings the next, so a binding cut short anywhere is finished from what is stored.
/// </summary>
public static class BindingWrites
{
    public static BindWrite? Next(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        if (VolumeSpec(volume, claim) is { } bound)
        {
            return new BindWrite(bound, null, Status: false);
        }

        if (volume.Status?.Phase != VolumePhases.Bound)
        {
            var updated = Clone(volume);
            updated.Status ??= new V1PersistentVolumeStatus();
            updated.Status.Phase = VolumePhases.Bound;
            updated.Status.Message = null;
            updated.Status.Reason = null;
            return new BindWrite(updated, null, Status: true);
        }

        if (ClaimSpec(volume, claim) is { } named)
        {
            return new BindWrite(null, named, Status: false);
        }

        var status = claim.Status;
        if (status?.Phase == VolumePhases.Bound && Same(status.AccessModes, volume.Spec.AccessModes) && Same(status.Capacity, volume.Spec.Capacity))
        {
            return null;
        }

        var claimed = Clone(claim);
        claimed.Status ??= new V1PersistentVolumeClaimStatus();
        claimed.Status.Phase = VolumePhases.Bound;
        claimed.Status.AccessModes = volume.Spec.AccessModes;
        claimed.Status.Capacity = volume.Spec.Capacity;
        return new BindWrite(null, claimed, Status: true);
    }

    /// <summary>The volume with its claimRef set to the claim (uid included), or null when it already is.</summary>
    private static V1PersistentVolume? VolumeSpec(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var r = volume.Spec.ClaimRef;
        var refMatches = r is not null && r.Name == claim.Metadata.Name && r.NamespaceProperty == claim.Metadata.NamespaceProperty && r.Uid == claim.Metadata.Uid;
        // Only a binding the binder chose itself is marked; a user's pre-binding (a claimRef without uid) is not.
        var mark = !VolumeMatcher.IsBoundTo(volume, claim) && !VolumeAnnotations.Has(volume.Metadata.Annotations, VolumeAnnotations.BoundByController);
        if (refMatches && !mark)
        {
            return null;
        }

        var updated = Clone(volume);
        updated.Spec.ClaimRef = ReferenceTo(claim);
        if (mark)
        {
            updated.Metadata.Annotations ??= new Dictionary<string, string>();
            updated.Metadata.Annotations[VolumeAnnotations.BoundByController] = VolumeAnnotations.Yes;
        }

        return updated;
    }

    /// <summary>The claim with spec.volumeName and bind-completed set, or null when it has both.</summary>
    private static V1PersistentVolumeClaim? ClaimSpec(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var renamed = claim.Spec.VolumeName != volume.Metadata.Name;
        if (!renamed && VolumeAnnotations.Has(claim.Metadata.Annotations, VolumeAnnotations.BindCompleted))
        {
            return null;
        }

        var updated = Clone(claim);
        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        if (renamed)
        {
            updated.Spec.VolumeName = volume.Metadata.Name;
            updated.Metadata.Annotations[VolumeAnnotations.BoundByController] = VolumeAnnotations.Yes;
        }

        updated.Metadata.Annotations[VolumeAnnotations.BindCompleted] = VolumeAnnotations.Yes;
        return updated;
    }

    /// <summary>The claimRef a volume bound to the claim carries (upstream's reference.GetReference).</summary>
    public static V1ObjectReference ReferenceTo(V1PersistentVolumeClaim claim) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        NamespaceProperty = claim.Metadata.NamespaceProperty,
        Name = claim.Metadata.Name,
        Uid = claim.Metadata.Uid,
        ResourceVersion = claim.Metadata.ResourceVersion,
    };

    public static T Clone<T>(T obj) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));

    private static bool Same<T>(T? a, T? b)
        where T : class => KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);
}

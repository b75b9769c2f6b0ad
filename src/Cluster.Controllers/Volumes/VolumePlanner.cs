using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>What the binder does for a volume on one reconcile.</summary>
public abstract record VolumeStep
{
    private VolumeStep()
    {
    }

    public static VolumeStep Nothing { get; } = new None();

    public sealed record None : VolumeStep;

    /// <summary>Write the volume's phase (a status write), with an Event when the change needs telling.</summary>
    public sealed record Phase(string Value, VolumeEvent? Event = null) : VolumeStep;

    /// <summary>Its claim is gone and its policy is Delete: remove the volume object.</summary>
    public sealed record Delete : VolumeStep;

    /// <summary>Write the volume without its binding (a spec write).</summary>
    public sealed record Unbind(V1PersistentVolume Updated) : VolumeStep;
}

/// <summary>
/// The binder's decision for one volume (upstream's syncVolume and reclaimVolume). The claim given to
/// <see cref="Plan"/> is the claim the volume's claimRef names, or null when it does not exist (the caller confirms a
/// missing claim against the registry, not only its informer, before a volume is released on that ground).
/// <code>
///   Pending/Available ──claim binds──▶ Bound ──claim deleted──▶ Released ──Retain──▶ (kept)
///                                                                  ├──Delete──▶ volume deleted (ours: by the provisioner)
///                                                                  └──Recycle──▶ Failed (not supported)
/// </code>
/// </summary>
public static class VolumePlanner
{
    public static VolumeStep Plan(V1PersistentVolume volume, V1PersistentVolumeClaim? claim)
    {
        var phase = volume.Status?.Phase;
        var claimRef = volume.Spec?.ClaimRef;
        if (claimRef is null || string.IsNullOrEmpty(claimRef.Uid))
        {
            // Free, or pre-bound by its creator to a claim that has not bound it yet.
            return phase == VolumePhases.Available ? VolumeStep.Nothing : new VolumeStep.Phase(VolumePhases.Available);
        }

        if (claim is null || claim.Metadata.Uid != claimRef.Uid)
        {
            return Release(volume);
        }

        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            // Binding under way: the claim's reconcile finishes it.
            return VolumeStep.Nothing;
        }

        if (claim.Spec.VolumeName == volume.Metadata.Name)
        {
            return phase == VolumePhases.Bound ? VolumeStep.Nothing : new VolumeStep.Phase(VolumePhases.Bound);
        }

        // The claim went to another volume.
        if (VolumeAnnotations.Has(volume.Metadata.Annotations, VolumeAnnotations.ProvisionedBy) && volume.Spec?.PersistentVolumeReclaimPolicy == "Delete")
        {
            return Release(volume);
        }

        var updated = BindingWrites.Clone(volume);
        if (VolumeAnnotations.Has(volume.Metadata.Annotations, VolumeAnnotations.BoundByController))
        {
            updated.Spec.ClaimRef = null;
            updated.Metadata.Annotations.Remove(VolumeAnnotations.BoundByController);
        }
        else
        {
            // Pre-bound by a user: keep the name, drop only the uid, so it waits for its claim again.
            updated.Spec.ClaimRef.Uid = null;
        }

        return new VolumeStep.Unbind(updated);
    }

    /// <summary>Whether a Released volume is the provisioner's to delete (its own, with policy Delete).</summary>
    public static bool IsProvisionerToDelete(V1PersistentVolume volume, string provisioner) =>
        volume.Status?.Phase == VolumePhases.Released && volume.Spec?.PersistentVolumeReclaimPolicy == "Delete" && volume.Metadata.DeletionTimestamp is null
        && VolumeAnnotations.Get(volume.Metadata.Annotations, VolumeAnnotations.ProvisionedBy) == provisioner;

    private static VolumeStep Release(V1PersistentVolume volume)
    {
        switch (volume.Status?.Phase)
        {
            case VolumePhases.Failed:
                return VolumeStep.Nothing;
            case not VolumePhases.Released:
                return new VolumeStep.Phase(VolumePhases.Released);
        }

        return volume.Spec?.PersistentVolumeReclaimPolicy switch
        {
            // A provisioned volume is deleted by its provisioner, with its storage.
            "Delete" => VolumeAnnotations.Has(volume.Metadata.Annotations, VolumeAnnotations.ProvisionedBy) || volume.Metadata.DeletionTimestamp is not null
                ? VolumeStep.Nothing
                : new VolumeStep.Delete(),
            "Recycle" => new VolumeStep.Phase(VolumePhases.Failed, VolumeEvent.Warning("VolumeFailedRecycle", "No recycler plugin found for the volume!")),
            _ => VolumeStep.Nothing,
        };
    }
}

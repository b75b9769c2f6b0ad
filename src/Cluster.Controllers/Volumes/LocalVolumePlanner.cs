using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>
/// The built-in local provisioner's decisions: which claims it serves, the hostPath volume it makes for one, the
/// StorageClass it keeps, and which directory goes with a deleted volume.
/// </summary>
public static class LocalVolumePlanner
{
    /// <summary>The provisioner name StorageClasses give to have this provisioner serve their claims.</summary>
    public const string ProvisionerName = "cluster.local/local-path";

    /// <summary>The label of a node's name, which a volume provisioned for a node is pinned to.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>
    /// Whether the claim is this provisioner's to provision now: unbound, not being deleted, handed to this provisioner
    /// by the binder (the storage-provisioner annotation, set only when no existing volume matched), of a class of
    /// this provisioner, and, for a WaitForFirstConsumer class, with its node chosen.
    /// </summary>
    public static bool ShouldProvision(V1PersistentVolumeClaim claim, V1StorageClass? storageClass)
    {
        var annotations = claim.Metadata.Annotations;
        return string.IsNullOrEmpty(claim.Spec?.VolumeName) && claim.Metadata.DeletionTimestamp is null
            && (VolumeAnnotations.Get(annotations, VolumeAnnotations.StorageProvisioner) ?? VolumeAnnotations.Get(annotations, VolumeAnnotations.BetaStorageProvisioner)) == ProvisionerName
            && storageClass?.Provisioner == ProvisionerName
            && (storageClass.VolumeBindingMode != ClaimPlanner.WaitForFirstConsumer || VolumeAnnotations.Has(annotations, VolumeAnnotations.SelectedNode));
    }

    /// <summary>The name of the volume provisioned for the claim (upstream's pvc-&lt;claim uid&gt;), the same on every attempt.</summary>
    public static string VolumeNameFor(V1PersistentVolumeClaim claim) => "pvc-" + claim.Metadata.Uid;

    /// <summary>
    /// A hostPath volume for the claim, pre-bound to it: the requested size and access modes, the class's reclaim
    /// policy and mount options, and the selected node (if any) as its node affinity. The directory is created by
    /// the node agent that first mounts it.
    /// </summary>
    public static V1PersistentVolume VolumeFor(V1PersistentVolumeClaim claim, V1StorageClass storageClass, string baseDirectory)
    {
        var name = VolumeNameFor(claim);
        var node = VolumeAnnotations.Get(claim.Metadata.Annotations, VolumeAnnotations.SelectedNode);
        return new V1PersistentVolume
        {
            ApiVersion = "v1",
            Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string>
                {
                    [VolumeAnnotations.ProvisionedBy] = ProvisionerName,
                    [VolumeAnnotations.BoundByController] = VolumeAnnotations.Yes,
                },
            },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = claim.Spec.Resources.Requests["storage"] },
                AccessModes = claim.Spec.AccessModes,
                PersistentVolumeReclaimPolicy = storageClass.ReclaimPolicy ?? "Delete",
                StorageClassName = storageClass.Metadata.Name,
                VolumeMode = claim.Spec.VolumeMode,
                MountOptions = storageClass.MountOptions,
                ClaimRef = BindingWrites.ReferenceTo(claim),
                HostPath = new V1HostPathVolumeSource { Path = Path.Combine(baseDirectory, name), Type = "DirectoryOrCreate" },
                NodeAffinity = node is null ? null : new V1VolumeNodeAffinity
                {
                    Required = new V1NodeSelector
                    {
                        NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = HostnameLabel, OperatorProperty = "In", Values = [node] }] }],
                    },
                },
            },
        };
    }

    /// <summary>The StorageClass of this provisioner that the settings ask for (reclaim Delete, binding Immediate).</summary>
    public static V1StorageClass StorageClassFor(LocalVolumeSettings settings) => new()
    {
        ApiVersion = "storage.k8s.io/v1",
        Kind = "StorageClass",
        Metadata = new V1ObjectMeta
        {
            Name = settings.StorageClass,
            Annotations = settings.DefaultClass ? new Dictionary<string, string> { [VolumeAnnotations.IsDefaultClass] = "true" } : null,
        },
        Provisioner = ProvisionerName,
        ReclaimPolicy = "Delete",
        VolumeBindingMode = "Immediate",
    };

    /// <summary>
    /// The directory to remove with the volume: the one this provisioner made for it (under the base directory, named
    /// after the volume), never a path someone edited into the volume since.
    /// </summary>
    public static string? DirectoryOf(V1PersistentVolume volume, string baseDirectory)
    {
        var expected = Path.Combine(baseDirectory, volume.Metadata.Name);
        return volume.Spec?.HostPath?.Path is { } path && Path.GetFullPath(path) == Path.GetFullPath(expected) ? expected : null;
    }
}

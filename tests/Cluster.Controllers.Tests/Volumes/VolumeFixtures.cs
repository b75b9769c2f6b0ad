using Cluster.Controllers.Volumes;
using k8s.Models;

namespace Cluster.Controllers.Tests.Volumes;

/// <summary>Claims, volumes and classes for the volume planners' tables.</summary>
internal static class VolumeFixtures
{
    public static V1PersistentVolume Volume(
        string name,
        string size = "1Gi",
        string modes = "ReadWriteOnce",
        string phase = VolumePhases.Available,
        string? className = null,
        V1ObjectReference? claimRef = null,
        string policy = "Retain",
        string mode = "Filesystem",
        Dictionary<string, string>? labels = null,
        Dictionary<string, string>? annotations = null) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, Uid = "uid-" + name, Labels = labels, Annotations = annotations },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) },
                AccessModes = modes.Split(','),
                StorageClassName = className,
                ClaimRef = claimRef,
                PersistentVolumeReclaimPolicy = policy,
                VolumeMode = mode,
                HostPath = new V1HostPathVolumeSource { Path = "/srv/" + name },
            },
            Status = new V1PersistentVolumeStatus { Phase = phase },
        };

    public static V1PersistentVolumeClaim Claim(
        string name = "data",
        string size = "1Gi",
        string modes = "ReadWriteOnce",
        string? className = null,
        string? volumeName = null,
        string phase = VolumePhases.Pending,
        string mode = "Filesystem",
        V1LabelSelector? selector = null,
        Dictionary<string, string>? annotations = null) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, Annotations = annotations },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = modes.Split(','),
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
                StorageClassName = className,
                VolumeName = volumeName,
                VolumeMode = mode,
                Selector = selector,
            },
            Status = new V1PersistentVolumeClaimStatus { Phase = phase },
        };

    /// <summary>A claimRef to claim <paramref name="name"/> of namespace default, with its uid or (pre-binding by a user) without.</summary>
    public static V1ObjectReference RefTo(string name, bool withUid = true) =>
        new() { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = name, Uid = withUid ? "uid-" + name : null };

    public static V1StorageClass Class(string name, string provisioner = LocalVolumePlanner.ProvisionerName, string binding = "Immediate", string reclaim = "Delete") =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Provisioner = provisioner, VolumeBindingMode = binding, ReclaimPolicy = reclaim };

    public static Func<string, V1StorageClass?> Classes(params V1StorageClass[] classes) => name => classes.FirstOrDefault(c => c.Metadata.Name == name);

    public static V1Pod PodUsing(string name, string claim, string? node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            NodeName = node,
            Containers = [new V1Container { Name = "app", Image = "x" }],
            Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };
}

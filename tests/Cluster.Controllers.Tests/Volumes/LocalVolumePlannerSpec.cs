using Cluster.Controllers.Volumes;
using k8s.Models;
using static Cluster.Controllers.Tests.Volumes.VolumeFixtures;

namespace Cluster.Controllers.Tests.Volumes;

public sealed class LocalVolumePlannerSpec
{
    private static Dictionary<string, string> Asked(string provisioner = LocalVolumePlanner.ProvisionerName, string? node = null)
    {
        var annotations = new Dictionary<string, string> { [VolumeAnnotations.StorageProvisioner] = provisioner };
        if (node is not null)
        {
            annotations[VolumeAnnotations.SelectedNode] = node;
        }

        return annotations;
    }

    public static TheoryData<string, V1PersistentVolumeClaim, V1StorageClass?, bool> Provisions => new()
    {
        { "asked, our class", Claim(className: "local-path", annotations: Asked()), Class("local-path"), true },
        { "not asked by the binder", Claim(className: "local-path"), Class("local-path"), false },
        { "asked of another provisioner", Claim(className: "local-path", annotations: Asked("x.io/disk")), Class("local-path"), false },
        { "class of another provisioner", Claim(className: "disk", annotations: Asked()), Class("disk", "x.io/disk"), false },
        { "class missing", Claim(className: "local-path", annotations: Asked()), null, false },
        { "already bound", Claim(className: "local-path", volumeName: "pv", annotations: Asked()), Class("local-path"), false },
        { "waiting for first consumer", Claim(className: "wait", annotations: Asked()), Class("wait", binding: "WaitForFirstConsumer"), false },
        { "first consumer scheduled", Claim(className: "wait", annotations: Asked(node: "n1")), Class("wait", binding: "WaitForFirstConsumer"), true },
    };

    [Theory]
    [MemberData(nameof(Provisions))]
    public void ShouldProvision_Table(string why, V1PersistentVolumeClaim claim, V1StorageClass? storageClass, bool expected)
    {
        Assert.True(expected == LocalVolumePlanner.ShouldProvision(claim, storageClass), why);
    }

    [Fact]
    public void VolumeFor_Claim_HostPathPreBoundWithClassPolicyAndRequest()
    {
        var claim = Claim(size: "3Gi", modes: "ReadWriteOnce,ReadOnlyMany", className: "local-path", annotations: Asked());

        var volume = LocalVolumePlanner.VolumeFor(claim, Class("local-path", reclaim: "Retain"), "/var/volumes");

        Assert.Equal("pvc-uid-data", volume.Metadata.Name);
        Assert.Equal(LocalVolumePlanner.ProvisionerName, volume.Metadata.Annotations[VolumeAnnotations.ProvisionedBy]);
        Assert.Equal(("/var/volumes/pvc-uid-data", "DirectoryOrCreate"), (volume.Spec.HostPath.Path, volume.Spec.HostPath.Type));
        Assert.Equal("3Gi", volume.Spec.Capacity["storage"].ToString());
        Assert.Equal(["ReadWriteOnce", "ReadOnlyMany"], volume.Spec.AccessModes);
        Assert.Equal(("Retain", "local-path"), (volume.Spec.PersistentVolumeReclaimPolicy, volume.Spec.StorageClassName));
        Assert.Equal(("data", "uid-data"), (volume.Spec.ClaimRef.Name, volume.Spec.ClaimRef.Uid));
        Assert.Null(volume.Spec.NodeAffinity);
        Assert.True(VolumeMatcher.IsBoundTo(volume, claim));
    }

    [Fact]
    public void VolumeFor_SelectedNode_PinnedToIt()
    {
        var volume = LocalVolumePlanner.VolumeFor(Claim(className: "wait", annotations: Asked(node: "n2")), Class("wait", binding: "WaitForFirstConsumer"), "/v");

        var requirement = volume.Spec.NodeAffinity.Required.NodeSelectorTerms.Single().MatchExpressions.Single();
        Assert.Equal((LocalVolumePlanner.HostnameLabel, "In", "n2"), (requirement.Key, requirement.OperatorProperty, requirement.Values.Single()));
    }

    [Theory]
    [InlineData("/base/pv1", "/base/pv1")]
    [InlineData("/base/other", null)]
    [InlineData("/etc", null)]
    public void DirectoryOf_OnlyTheProvisionedDirectory(string path, string? expected)
    {
        var volume = Volume("pv1");
        volume.Spec.HostPath.Path = path;

        Assert.Equal(expected, LocalVolumePlanner.DirectoryOf(volume, "/base"));
    }

    [Fact]
    public void StorageClassFor_Settings_DefaultAnnotationAsAsked()
    {
        var asDefault = LocalVolumePlanner.StorageClassFor(new LocalVolumeSettings { StorageClass = "local-path" });
        var plain = LocalVolumePlanner.StorageClassFor(new LocalVolumeSettings { StorageClass = "mine", DefaultClass = false });

        Assert.Equal(("local-path", "true", LocalVolumePlanner.ProvisionerName), (asDefault.Metadata.Name, asDefault.Metadata.Annotations[VolumeAnnotations.IsDefaultClass], asDefault.Provisioner));
        Assert.Null(plain.Metadata.Annotations);
    }
}

using Cluster.Controllers.Volumes;
using k8s.Models;
using static Cluster.Controllers.Tests.Volumes.VolumeFixtures;

namespace Cluster.Controllers.Tests.Volumes;

public sealed class BindingWritesSpec
{
    /// <summary>Applies the writes one by one as the registry would, until none is left; returns how many there were.</summary>
    private static int BindFully(ref V1PersistentVolume volume, ref V1PersistentVolumeClaim claim)
    {
        var writes = 0;
        while (BindingWrites.Next(volume, claim) is { } write)
        {
            Assert.True(++writes <= 4, "a binding takes at most four writes");
            volume = write.Volume ?? volume;
            claim = write.Claim ?? claim;
        }

        return writes;
    }

    [Fact]
    public void Next_FreeVolume_FourWritesInUpstreamOrder()
    {
        var volume = Volume("pv1", "2Gi", "ReadWriteOnce,ReadOnlyMany");
        var claim = Claim();

        var first = BindingWrites.Next(volume, claim)!;
        Assert.False(first.Status);
        Assert.Equal(("data", "uid-data"), (first.Volume!.Spec.ClaimRef.Name, first.Volume.Spec.ClaimRef.Uid));
        Assert.Equal("yes", first.Volume.Metadata.Annotations[VolumeAnnotations.BoundByController]);
        Assert.Null(volume.Spec.ClaimRef);

        volume = first.Volume;
        var second = BindingWrites.Next(volume, claim)!;
        Assert.Equal((true, VolumePhases.Bound), (second.Status, second.Volume!.Status.Phase));

        volume = second.Volume;
        var third = BindingWrites.Next(volume, claim)!;
        Assert.False(third.Status);
        Assert.Equal("pv1", third.Claim!.Spec.VolumeName);
        Assert.Equal("yes", third.Claim.Metadata.Annotations[VolumeAnnotations.BindCompleted]);
        Assert.Equal("yes", third.Claim.Metadata.Annotations[VolumeAnnotations.BoundByController]);

        claim = third.Claim;
        var fourth = BindingWrites.Next(volume, claim)!;
        Assert.True(fourth.Status);
        Assert.Equal(VolumePhases.Bound, fourth.Claim!.Status.Phase);
        Assert.Equal(["ReadWriteOnce", "ReadOnlyMany"], fourth.Claim.Status.AccessModes);
        Assert.Equal("2Gi", fourth.Claim.Status.Capacity["storage"].ToString());

        Assert.Null(BindingWrites.Next(volume, fourth.Claim));
    }

    [Fact]
    public void Next_UserPreBoundBothWays_NoBoundByControllerMarks()
    {
        var volume = Volume("pv1", claimRef: RefTo("data", withUid: false));
        var claim = Claim(volumeName: "pv1");

        Assert.Equal(4, BindFully(ref volume, ref claim));

        Assert.Equal("uid-data", volume.Spec.ClaimRef.Uid);
        Assert.False(VolumeAnnotations.Has(volume.Metadata.Annotations, VolumeAnnotations.BoundByController));
        Assert.False(VolumeAnnotations.Has(claim.Metadata.Annotations, VolumeAnnotations.BoundByController));
        Assert.True(VolumeAnnotations.Has(claim.Metadata.Annotations, VolumeAnnotations.BindCompleted));
    }

    [Fact]
    public void Next_ProvisionedVolumeAlreadyRefersToClaim_StartsAtThePhase()
    {
        var volume = Volume("pvc-uid-data", claimRef: RefTo("data"), phase: VolumePhases.Pending);
        var claim = Claim();

        Assert.True(BindingWrites.Next(volume, claim)!.Status);
        Assert.Equal(3, BindFully(ref volume, ref claim));
    }
}

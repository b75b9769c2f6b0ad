using Cluster.Controllers.Volumes;
using k8s.Models;
using static Cluster.Controllers.Tests.Volumes.VolumeFixtures;

namespace Cluster.Controllers.Tests.Volumes;

public sealed class VolumePlannerSpec
{
    private static readonly Dictionary<string, string> Provisioned = new() { [VolumeAnnotations.ProvisionedBy] = LocalVolumePlanner.ProvisionerName, [VolumeAnnotations.BoundByController] = "yes" };

    public static TheoryData<string, V1PersistentVolume, V1PersistentVolumeClaim?, string> Steps => new()
    {
        { "new free volume becomes Available", Volume("pv", phase: VolumePhases.Pending), null, "Phase:Available" },
        { "free Available volume: nothing", Volume("pv"), null, "None" },
        { "pre-bound by a user waits Available", Volume("pv", phase: VolumePhases.Pending, claimRef: RefTo("data", withUid: false)), null, "Phase:Available" },
        { "claim bound to it: Bound", Volume("pv", claimRef: RefTo("data")), Claim(volumeName: "pv"), "Phase:Bound" },
        { "claim bound to it, already Bound: nothing", Volume("pv", phase: VolumePhases.Bound, claimRef: RefTo("data")), Claim(volumeName: "pv"), "None" },
        { "claim binding under way: nothing", Volume("pv", claimRef: RefTo("data")), Claim(), "None" },
        { "claim gone: Released", Volume("pv", phase: VolumePhases.Bound, claimRef: RefTo("data")), null, "Phase:Released" },
        { "claim recreated with another uid: Released", Volume("pv", phase: VolumePhases.Bound, claimRef: new V1ObjectReference { NamespaceProperty = "default", Name = "data", Uid = "old" }), Claim(), "Phase:Released" },
        { "Released, Retain: kept", Volume("pv", phase: VolumePhases.Released, claimRef: RefTo("data")), null, "None" },
        { "Released, Delete, made by hand: deleted", Volume("pv", phase: VolumePhases.Released, claimRef: RefTo("data"), policy: "Delete"), null, "Delete" },
        { "Released, Delete, provisioned: its provisioner's", Volume("pv", phase: VolumePhases.Released, claimRef: RefTo("data"), policy: "Delete", annotations: Provisioned), null, "None" },
        { "Released, Recycle: Failed", Volume("pv", phase: VolumePhases.Released, claimRef: RefTo("data"), policy: "Recycle"), null, "Phase:Failed" },
        { "Failed stays", Volume("pv", phase: VolumePhases.Failed, claimRef: RefTo("data"), policy: "Recycle"), null, "None" },
        { "claim went elsewhere, provisioned with Delete: Released", Volume("pv", claimRef: RefTo("data"), policy: "Delete", annotations: Provisioned), Claim(volumeName: "other"), "Phase:Released" },
        { "claim went elsewhere, bound by the binder: unbound", Volume("pv", claimRef: RefTo("data"), annotations: new() { [VolumeAnnotations.BoundByController] = "yes" }), Claim(volumeName: "other"), "Unbind" },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void Plan_Table_ExpectedStep(string why, V1PersistentVolume volume, V1PersistentVolumeClaim? claim, string expected)
    {
        var step = VolumePlanner.Plan(volume, claim) switch
        {
            VolumeStep.Phase p => "Phase:" + p.Value,
            var other => other.GetType().Name,
        };

        Assert.True(expected == step, $"{why}: {step}");
    }

    [Fact]
    public void Plan_ClaimWentElsewhereUserPreBound_OnlyUidDropped()
    {
        var step = Assert.IsType<VolumeStep.Unbind>(VolumePlanner.Plan(Volume("pv", claimRef: RefTo("data")), Claim(volumeName: "other")));

        Assert.Equal(("data", null), (step.Updated.Spec.ClaimRef.Name, step.Updated.Spec.ClaimRef.Uid));
    }

    [Fact]
    public void Plan_ClaimWentElsewhereBoundByBinder_RefAndMarkRemoved()
    {
        var volume = Volume("pv", claimRef: RefTo("data"), annotations: new() { [VolumeAnnotations.BoundByController] = "yes" });

        var step = Assert.IsType<VolumeStep.Unbind>(VolumePlanner.Plan(volume, Claim(volumeName: "other")));

        Assert.Null(step.Updated.Spec.ClaimRef);
        Assert.False(VolumeAnnotations.Has(step.Updated.Metadata.Annotations, VolumeAnnotations.BoundByController));
        Assert.NotNull(volume.Spec.ClaimRef);
    }

    [Theory]
    [InlineData(VolumePhases.Released, "Delete", true)]
    [InlineData(VolumePhases.Bound, "Delete", false)]
    [InlineData(VolumePhases.Released, "Retain", false)]
    public void IsProvisionerToDelete_PhaseAndPolicy_Decide(string phase, string policy, bool expected)
    {
        var volume = Volume("pv", phase: phase, policy: policy, annotations: Provisioned);

        Assert.Equal(expected, VolumePlanner.IsProvisionerToDelete(volume, LocalVolumePlanner.ProvisionerName));
        Assert.False(VolumePlanner.IsProvisionerToDelete(volume, "other.io/p"));
    }
}

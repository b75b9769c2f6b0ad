using System.Text.Json.Nodes;
using Cluster.Controllers.Volumes;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Tests.Volumes;

public sealed class InUseProtectionSpec
{
    private const string F = InUseProtection.ClaimFinalizer;

    [Theory]
    [InlineData(false, null, true)]
    [InlineData(false, F, false)]
    [InlineData(true, null, false)]
    [InlineData(true, F, false)]
    public void NeedsFinalizer_OnlyLiveObjectsWithoutIt(bool deleting, string? finalizer, bool expected) =>
        Assert.Equal(expected, InUseProtection.NeedsFinalizer(Meta(deleting, finalizer), F));

    [Theory]
    [InlineData(false, null, false)]
    [InlineData(false, F, false)]
    [InlineData(true, null, false)]
    [InlineData(true, "other", false)]
    [InlineData(true, F, true)]
    public void IsDeletionCandidate_OnlyDeletingObjectsHeldByIt(bool deleting, string? finalizer, bool expected) =>
        Assert.Equal(expected, InUseProtection.IsDeletionCandidate(Meta(deleting, finalizer), F));

    [Theory]
    [InlineData("node-1", "Running", true)]
    [InlineData("node-1", "Succeeded", true)] // a finished pod still has it mounted until it goes
    [InlineData(null, "Pending", false)] // never started: a node refuses a claim being deleted
    public void PodUsesClaim_ByAClaimVolume_OnlyWhenScheduled(string? node, string phase, bool expected) =>
        Assert.Equal(expected, InUseProtection.PodUsesClaim(Pod(node, phase, new V1Volume { Name = "d", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } }), Claim("data")));

    [Fact]
    public void PodUsesClaim_OtherClaimName_False() =>
        Assert.False(InUseProtection.PodUsesClaim(Pod("node-1", "Running", new V1Volume { Name = "d", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "other" } }), Claim("data")));

    [Theory]
    [InlineData("Running", "pod-uid", true)]
    [InlineData("Failed", "pod-uid", false)] // a stopped pod no longer needs its ephemeral claim
    [InlineData("Running", "someone-else", false)] // a claim of that name the pod does not own is not its ephemeral one
    public void PodUsesClaim_EphemeralVolume_ByGeneratedNameAndOwner(string phase, string ownerUid, bool expected)
    {
        var pod = Pod("node-1", phase, new V1Volume { Name = "scratch", Ephemeral = new V1EphemeralVolumeSource() });
        var claim = Claim("user-scratch");
        claim.Metadata.OwnerReferences = [new V1OwnerReference { Kind = "Pod", Name = "user", Uid = ownerUid, Controller = true }];
        Assert.Equal(expected, InUseProtection.PodUsesClaim(pod, claim));
    }

    [Fact]
    public void ClaimNames_ClaimAndEphemeralVolumes()
    {
        var pod = Pod("node-1", "Running",
            new V1Volume { Name = "d", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } },
            new V1Volume { Name = "scratch", Ephemeral = new V1EphemeralVolumeSource() },
            new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "c" } });
        Assert.Equal(["data", "user-scratch"], InUseProtection.ClaimNames(pod));
    }

    [Theory]
    [InlineData("Bound", true)]
    [InlineData("Released", false)]
    [InlineData("Available", false)]
    [InlineData(null, false)]
    public void VolumeInUse_OnlyWhileBound(string? phase, bool expected) =>
        Assert.Equal(expected, InUseProtection.VolumeInUse(new V1PersistentVolume { Status = phase is null ? null : new V1PersistentVolumeStatus { Phase = phase } }));

    [Fact]
    public void AddFinalizer_AppendsOnce_KeepsOthers()
    {
        var obj = JsonNode.Parse("""{"metadata":{"name":"x","finalizers":["other"]}}""")!.AsObject();
        Assert.True(ObjectMeta.AddFinalizer(obj, F));
        Assert.False(ObjectMeta.AddFinalizer(obj, F));
        Assert.Equal("""["other","kubernetes.io/pvc-protection"]""", obj["metadata"]!["finalizers"]!.ToJsonString());

        var bare = JsonNode.Parse("""{"metadata":{"name":"y"}}""")!.AsObject();
        Assert.True(ObjectMeta.AddFinalizer(bare, F));
        Assert.Equal("""["kubernetes.io/pvc-protection"]""", bare["metadata"]!["finalizers"]!.ToJsonString());
    }

    private static V1ObjectMeta Meta(bool deleting, string? finalizer) => new()
    {
        Name = "x",
        DeletionTimestamp = deleting ? DateTime.UtcNow : null,
        Finalizers = finalizer is null ? null : [finalizer],
    };

    private static V1Pod Pod(string? node, string phase, params V1Volume[] volumes) => new()
    {
        Metadata = new V1ObjectMeta { Name = "user", Uid = "pod-uid" },
        Spec = new V1PodSpec { NodeName = node, Volumes = volumes },
        Status = new V1PodStatus { Phase = phase },
    };

    private static V1PersistentVolumeClaim Claim(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };
}

using Cluster.Controllers.Volumes;
using k8s.Models;
using static Cluster.Controllers.Tests.Volumes.VolumeFixtures;

namespace Cluster.Controllers.Tests.Volumes;

public sealed class ClaimPlannerSpec
{
    private static readonly Dictionary<string, string> BindCompleted = new() { [VolumeAnnotations.BindCompleted] = "yes" };

    private static ClaimStep Plan(V1PersistentVolumeClaim claim, V1PersistentVolume[] volumes, V1StorageClass[]? classes = null, V1Pod[]? pods = null) =>
        ClaimPlanner.Plan(claim, volumes, Classes(classes ?? []), pods ?? []);

    [Fact]
    public void Plan_MatchingVolume_Bind()
    {
        var step = Plan(Claim(), [Volume("pv1")]);

        Assert.Equal("pv1", Assert.IsType<ClaimStep.Bind>(step).Volume.Metadata.Name);
    }

    [Fact]
    public void Plan_NothingMatchesNoClass_PendingWithUpstreamMessage()
    {
        var step = Assert.IsType<ClaimStep.Pending>(Plan(Claim(size: "5Gi"), [Volume("pv1")]));

        Assert.Equal(new VolumeEvent("Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set"), step.Event);
    }

    [Fact]
    public void Plan_NothingMatchesClassExists_ProvisionByItsProvisioner()
    {
        var step = Plan(Claim(className: "local-path"), [Volume("pv1")], [Class("local-path", "x.io/disk")]);

        Assert.Equal("x.io/disk", Assert.IsType<ClaimStep.Provision>(step).Provisioner);
    }

    [Fact]
    public void Plan_ClassMissing_PendingWithWarning()
    {
        var step = Assert.IsType<ClaimStep.Pending>(Plan(Claim(className: "gone"), []));

        Assert.Equal(new VolumeEvent("Warning", "ProvisioningFailed", "storageclass.storage.k8s.io \"gone\" not found"), step.Event);
    }

    [Fact]
    public void Plan_WaitForFirstConsumerNoPod_PendingWaiting()
    {
        var step = Assert.IsType<ClaimStep.Pending>(Plan(Claim(className: "wait"), [Volume("pv1", className: "wait")], [Class("wait", binding: "WaitForFirstConsumer")]));

        Assert.Equal("WaitForFirstConsumer", step.Event?.Reason);
    }

    [Fact]
    public void Plan_WaitForFirstConsumerScheduledPod_SelectNode()
    {
        var pods = new[] { PodUsing("unscheduled", "data", null), PodUsing("other", "another", "n3"), PodUsing("web-1", "data", "n2"), PodUsing("web-0", "data", "n1") };

        var step = Plan(Claim(className: "wait"), [], [Class("wait", binding: "WaitForFirstConsumer")], pods);

        Assert.Equal("n1", Assert.IsType<ClaimStep.SelectNode>(step).Node);
    }

    [Fact]
    public void Plan_WaitForFirstConsumerNodeSelected_BindsOrProvisions()
    {
        var selected = new Dictionary<string, string> { [VolumeAnnotations.SelectedNode] = "n1" };
        V1StorageClass[] wait = [Class("wait", binding: "WaitForFirstConsumer")];

        Assert.IsType<ClaimStep.Bind>(Plan(Claim(className: "wait", annotations: selected), [Volume("pv1", className: "wait")], wait));
        Assert.IsType<ClaimStep.Provision>(Plan(Claim(className: "wait", annotations: selected), [], wait));
    }

    [Fact]
    public void Plan_NodeSelectedWithLocalVolumesOnTwoNodes_BindsTheSelectedNodesVolume()
    {
        var selected = new Dictionary<string, string> { [VolumeAnnotations.SelectedNode] = "n2" };
        V1StorageClass[] local = [Class("local", provisioner: "kubernetes.io/no-provisioner", binding: "WaitForFirstConsumer")];
        V1Node[] nodes = [Node("n1"), Node("n2")];

        // pv-a is the smaller, the one chosen if the node did not matter; it lives on n1.
        var step = ClaimPlanner.Plan(
            Claim(className: "local", annotations: selected),
            [OnNode(Volume("pv-a", "1Gi", className: "local"), "n1"), OnNode(Volume("pv-b", "2Gi", className: "local"), "n2")],
            Classes(local),
            [],
            name => nodes.FirstOrDefault(n => n.Metadata.Name == name));

        Assert.Equal("pv-b", Assert.IsType<ClaimStep.Bind>(step).Volume.Metadata.Name);
    }

    private static V1Node Node(string name) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } } };

    private static V1PersistentVolume OnNode(V1PersistentVolume volume, string node)
    {
        volume.Spec.NodeAffinity = new V1VolumeNodeAffinity
        {
            Required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = [node] }] }] },
        };
        return volume;
    }

    public static TheoryData<string, V1PersistentVolume[], string?> NamedVolumes => new()
    {
        { "missing: wait silently", [], null },
        { "too small", [Volume("pv1", "100Mi")], "VolumeMismatch" },
        { "taken by another claim", [Volume("pv1", claimRef: RefTo("other"))], "FailedBinding" },
    };

    [Theory]
    [MemberData(nameof(NamedVolumes))]
    public void Plan_ClaimNamesVolumeThatCannotServe_PendingWithReason(string why, V1PersistentVolume[] volumes, string? reason)
    {
        var step = Assert.IsType<ClaimStep.Pending>(Plan(Claim(volumeName: "pv1"), volumes));

        Assert.True(reason == step.Event?.Reason, why);
    }

    [Fact]
    public void Plan_ClaimNamesFreeVolume_BindEvenIfNotTheSmallest()
    {
        var step = Plan(Claim(volumeName: "big"), [Volume("small"), Volume("big", "9Gi")]);

        Assert.Equal("big", Assert.IsType<ClaimStep.Bind>(step).Volume.Metadata.Name);
    }

    [Fact]
    public void Plan_BoundClaimVolumeGone_Lost()
    {
        var step = Plan(Claim(volumeName: "pv1", phase: VolumePhases.Bound, annotations: BindCompleted), []);

        Assert.Equal("ClaimLost", Assert.IsType<ClaimStep.Lost>(step).Event.Reason);
    }

    [Fact]
    public void Plan_BoundClaimVolumeBoundElsewhere_LostMisbound()
    {
        var step = Plan(Claim(volumeName: "pv1", phase: VolumePhases.Bound, annotations: BindCompleted), [Volume("pv1", claimRef: RefTo("other"), phase: VolumePhases.Bound)]);

        Assert.Equal("ClaimMisbound", Assert.IsType<ClaimStep.Lost>(step).Event.Reason);
    }

    [Fact]
    public void Plan_BoundClaimVolumeLostItsRef_BindAgain()
    {
        var step = Plan(Claim(volumeName: "pv1", phase: VolumePhases.Bound, annotations: BindCompleted), [Volume("pv1")]);

        Assert.IsType<ClaimStep.Bind>(step);
    }
}

using Cluster.Controllers.DaemonSets;
using k8s.Models;
using static Cluster.Controllers.Tests.DaemonSets.DaemonFixtures;

namespace Cluster.Controllers.Tests.DaemonSets;

public sealed class DaemonSetPlannerSpec
{
    private static readonly V1Node[] ThreeNodes = [Node("n3"), Node("n1"), Node("n2")];

    [Fact]
    public void Manage_NoPods_OnePerNodeInNameOrder_NotOnATaintedOne()
    {
        var ds = Ds();
        var (nodes, stray) = Map(ds, [.. ThreeNodes, Node("n0", null, Taint("gpu", "NoSchedule"))]);

        var plan = DaemonSetPlanner.Manage(ds, nodes, stray, Hash, Now);

        Assert.Equal(["n1", "n2", "n3"], plan.CreateOn);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Manage_PendingPinnedPod_CountsForItsNode()
    {
        var ds = Ds();
        var (nodes, stray) = Map(ds, ThreeNodes, Pod("p1", "n1", bound: false), Pod("p2", "n2"));

        Assert.Equal(["n3"], DaemonSetPlanner.Manage(ds, nodes, stray, Hash, Now).CreateOn);
    }

    [Fact]
    public void Manage_TerminatingPod_BlocksTheNewOneUntilGone()
    {
        var ds = Ds();
        var (nodes, stray) = Map(ds, [Node("n1")], Pod("p1", "n1", deleting: true));

        var plan = DaemonSetPlanner.Manage(ds, nodes, stray, Hash, Now);

        Assert.Empty(plan.CreateOn);
        Assert.Empty(plan.Delete);
    }

    public static TheoryData<string, V1Node, V1Pod[], string[]> Deletions => new()
    {
        { "a failed pod goes", Node("n1"), [Pod("f", "n1", phase: "Failed")], ["f"] },
        { "a succeeded pod goes", Node("n1"), [Pod("s", "n1", phase: "Succeeded")], ["s"] },
        { "two running: all but the oldest go", Node("n1"), [Pod("young", "n1", ageSeconds: 10), Pod("old", "n1", ageSeconds: 100), Pod("mid", "n1", ageSeconds: 50)], ["mid", "young"] },
        { "bound pods are kept before pending ones", Node("n1"), [Pod("pending", "n1", bound: false, ageSeconds: 100), Pod("bound", "n1", ageSeconds: 10)], ["pending"] },
        { "NoExecute not tolerated: every pod goes", Node("n1", null, Taint("x", "NoExecute")), [Pod("p", "n1"), Pod("q", "n1", deleting: true)], ["p"] },
        { "NoSchedule not tolerated: the running pod stays", Node("n1", null, Taint("x", "NoSchedule")), [Pod("p", "n1")], [] },
        { "not matching the selector any more: goes", Node("n1", new() { ["disk"] = "hdd" }), [Pod("p", "n1")], ["p"] },
    };

    [Theory]
    [MemberData(nameof(Deletions))]
    public void Manage_PodsOnNode_Deleted(string name, V1Node node, V1Pod[] pods, string[] deleted)
    {
        var ds = Ds();
        ds.Spec.Template.Spec.NodeSelector = node.Metadata.Labels.ContainsKey("disk") ? new Dictionary<string, string> { ["disk"] = "ssd" } : null;
        var (nodes, stray) = Map(ds, [node], pods);

        var plan = DaemonSetPlanner.Manage(ds, nodes, stray, Hash, Now);

        Assert.True(deleted.SequenceEqual(plan.Delete.Select(p => p.Metadata.Name)), name + ": " + string.Join(",", plan.Delete.Select(p => p.Metadata.Name)));
    }

    [Fact]
    public void Manage_PendingPodPinnedToAGoneNode_Deleted()
    {
        var ds = Ds();
        var (nodes, stray) = Map(ds, [Node("n1")], Pod("p1", "n1"), Pod("ghost", "gone", bound: false), Pod("bound-gone", "gone2"));

        var plan = DaemonSetPlanner.Manage(ds, nodes, stray, Hash, Now);

        Assert.Equal(["ghost"], plan.Delete.Select(p => p.Metadata.Name));
    }

    public static TheoryData<string, bool, bool, string[]> SurgePairs => new()
    {
        // old ready, new available → deleted
        { "new not available, old ready: both stay", true, false, [] },
        { "new available: the old goes", true, true, ["old"] },
        { "old not ready: it goes", false, false, ["old"] },
    };

    [Theory]
    [MemberData(nameof(SurgePairs))]
    public void Manage_Surge_OldAndNewPair(string name, bool oldReady, bool newAvailable, string[] deleted)
    {
        var ds = Ds(maxUnavailable: "0", maxSurge: "1");
        var (nodes, stray) = Map(ds, [Node("n1")], Pod("old", "n1", updated: false, ready: oldReady, ageSeconds: 100), Pod("new", "n1", ready: newAvailable, ageSeconds: 10));

        Assert.True(deleted.SequenceEqual(DaemonSetPlanner.Manage(ds, nodes, stray, Hash, Now).Delete.Select(p => p.Metadata.Name)), name);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("50%", 2)]
    [InlineData("10%", 1)]
    public void RollingUpdate_AllOldAndAvailable_DeletesUpToMaxUnavailable(string maxUnavailable, int deleted)
    {
        var ds = Ds(maxUnavailable);
        var (nodes, _) = Map(ds, [.. ThreeNodes, Node("n4")], Pod("a", "n1", updated: false), Pod("b", "n2", updated: false), Pod("c", "n3", updated: false), Pod("d", "n4", updated: false));

        var plan = DaemonSetPlanner.RollingUpdate(ds, nodes, Hash, Now);

        Assert.Equal(new[] { "a", "b" }[..deleted], plan.Delete.Select(p => p.Metadata.Name));
        Assert.Empty(plan.CreateOn);
    }

    [Fact]
    public void RollingUpdate_OneNewNotYetAvailable_NoMoreDeletedButUnavailableOldOnesGo()
    {
        var ds = Ds("1");
        var (nodes, _) = Map(ds, ThreeNodes, Pod("a", "n1", ready: false), Pod("b", "n2", updated: false), Pod("c", "n3", updated: false, ready: false));

        var plan = DaemonSetPlanner.RollingUpdate(ds, nodes, Hash, Now);

        Assert.Equal(["c"], plan.Delete.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void RollingUpdate_MinReadySeconds_ReadyButTooRecentIsUnavailable()
    {
        var ds = Ds("1", minReadySeconds: 600);
        var (nodes, _) = Map(ds, ThreeNodes, Pod("a", "n1", ageSeconds: 60), Pod("b", "n2", updated: false, ageSeconds: 5000), Pod("c", "n3", updated: false, ageSeconds: 5000));

        Assert.Empty(DaemonSetPlanner.RollingUpdate(ds, nodes, Hash, Now).Delete);
    }

    [Fact]
    public void RollingUpdate_Surge_NewPodsBesideOldOnesUpToMaxSurge_OldGoesWhenNewAvailable()
    {
        var ds = Ds(maxUnavailable: "0", maxSurge: "1");
        var (nodes, _) = Map(ds, ThreeNodes,
            Pod("a-old", "n1", updated: false), Pod("a-new", "n1", ageSeconds: 10),
            Pod("b-old", "n2", updated: false),
            Pod("c-old", "n3", updated: false, ready: false));

        var plan = DaemonSetPlanner.RollingUpdate(ds, nodes, Hash, Now);

        Assert.Equal(["a-old"], plan.Delete.Select(p => p.Metadata.Name));
        Assert.Equal(["n3", "n2"], plan.CreateOn); // an unavailable old pod is replaced at once; n2 takes the surge
    }

    [Fact]
    public void RollingUpdate_Surge_BudgetTakenBySurgedNode_OnlyUnavailableReplaced()
    {
        var ds = Ds(maxUnavailable: "0", maxSurge: "1");
        var (nodes, _) = Map(ds, ThreeNodes, Pod("a-old", "n1", updated: false), Pod("a-new", "n1", ready: false), Pod("b-old", "n2", updated: false));

        var plan = DaemonSetPlanner.RollingUpdate(ds, nodes, Hash, Now);

        Assert.Empty(plan.Delete);
        Assert.Empty(plan.CreateOn);
    }

    [Fact]
    public void Status_MixedNodes_CountsAsUpstream()
    {
        var ds = Ds();
        ds.Spec.Template.Spec.NodeSelector = new Dictionary<string, string> { ["role"] = "worker" };
        V1Node[] all = [Node("w1", new() { ["role"] = "worker" }), Node("w2", new() { ["role"] = "worker" }), Node("w3", new() { ["role"] = "worker" }), Node("m1", new() { ["role"] = "master" })];
        var (nodes, _) = Map(ds, all, Pod("a", "w1"), Pod("b", "w2", updated: false, ready: false), Pod("x", "m1"));

        var status = DaemonSetPlanner.Status(ds, nodes, Hash, collisionCount: 1, Now);

        Assert.Equal((3, 2, 1, 1, 1, 2, 1, 2L, 1), (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberMisscheduled, status.NumberReady, status.NumberAvailable ?? 0, status.NumberUnavailable ?? 0, status.UpdatedNumberScheduled ?? 0, status.ObservedGeneration ?? 0, status.CollisionCount ?? 0));
        Assert.False(DaemonSetPlanner.Differs(status, DaemonSetPlanner.Status(ds, nodes, Hash, 1, Now)));
        Assert.True(DaemonSetPlanner.Differs(new V1DaemonSetStatus(), status));
    }

    [Fact]
    public void RequeueAfter_ReadyNotYetAvailable_MinReadySeconds()
    {
        var ds = Ds(minReadySeconds: 30);
        var (nodes, _) = Map(ds, [Node("n1")], Pod("a", "n1", ageSeconds: 20));

        Assert.Equal(TimeSpan.FromSeconds(30), DaemonSetPlanner.RequeueAfter(ds, DaemonSetPlanner.Status(ds, nodes, Hash, null, Now)));
        Assert.Null(DaemonSetPlanner.RequeueAfter(Ds(), DaemonSetPlanner.Status(Ds(), nodes, Hash, null, Now)));
    }
}

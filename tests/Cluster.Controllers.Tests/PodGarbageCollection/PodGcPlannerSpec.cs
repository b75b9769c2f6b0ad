using Cluster.Controllers.PodGarbageCollection;
using k8s.Models;

namespace Cluster.Controllers.Tests.PodGarbageCollection;

public sealed class PodGcPlannerSpec
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Plan_MoreTerminatedThanThreshold_OldestGoWithoutMarking()
    {
        V1Pod[] pods = [Pod("new", "Succeeded", created: 3), Pod("old", "Failed", created: 1), Pod("mid", "Succeeded", created: 2), Pod("live", "Running", created: 0)];

        var plan = PodGcPlanner.Plan(pods, Nodes("node-1"), Absent(), Now, threshold: 1);

        Assert.Equal(["old", "mid"], plan.Select(d => d.Pod.Metadata.Name));
        Assert.All(plan, d => Assert.Equal((PodGcReason.TerminatedOverThreshold, false), (d.Reason, d.MarkFailed)));
        Assert.Empty(PodGcPlanner.Plan(pods, Nodes("node-1"), Absent(), Now, threshold: 0)); // 0 keeps them all
        Assert.Empty(PodGcPlanner.Plan(pods, Nodes("node-1"), Absent(), Now, threshold: 3));
    }

    [Theory]
    [InlineData(39, false)]
    [InlineData(40, true)]
    public void Plan_NodeMissing_PodsOrphanedOnlyAfterTheQuarantine(int missingSeconds, bool deleted)
    {
        V1Pod[] pods = [Pod("lost", "Running", node: "ghost"), Pod("kept", "Running", node: "node-1")];

        var plan = PodGcPlanner.Plan(pods, Nodes("node-1"), Absent(("ghost", Now.AddSeconds(-missingSeconds))), Now, threshold: 100);

        Assert.Equal(deleted ? ["lost"] : [], plan.Select(d => d.Pod.Metadata.Name));
        Assert.All(plan, d => Assert.Equal((PodGcReason.Orphaned, true), (d.Reason, d.MarkFailed)));
        Assert.Equal(["ghost"], PodGcPlanner.MissingNodes(pods, Nodes("node-1")));
    }

    [Fact]
    public void Plan_OrphanAlreadyTerminated_NotMarkedFailedAgain() =>
        Assert.False(Assert.Single(PodGcPlanner.Plan([Pod("done", "Succeeded", node: "ghost")], Nodes(), Absent(("ghost", Now.AddMinutes(-1))), Now, threshold: 100)).MarkFailed);

    [Fact]
    public void Plan_TerminatingNeverScheduled_Swept()
    {
        var plan = PodGcPlanner.Plan([Pod("stuck", "Pending", node: null, deleting: true), Pod("waiting", "Pending", node: null)], Nodes(), Absent(), Now, threshold: 100);

        var only = Assert.Single(plan);
        Assert.Equal(("stuck", PodGcReason.UnscheduledTerminating, true), (only.Pod.Metadata.Name, only.Reason, only.MarkFailed));
    }

    [Theory]
    [InlineData(true, "False", true)]
    [InlineData(true, "True", false)] // a Ready node's kubelet finishes the deletion itself
    [InlineData(false, "False", false)] // NotReady without the taint: the pod waits, as upstream
    public void Plan_TerminatingOnOutOfServiceNotReadyNode_Swept(bool tainted, string ready, bool swept)
    {
        var node = Node("node-1", ready);
        if (tainted)
        {
            node.Spec = new V1NodeSpec { Taints = [new V1Taint { Key = PodGcPlanner.OutOfServiceTaint, Effect = "NoExecute", Value = "nodeshutdown" }] };
        }

        var plan = PodGcPlanner.Plan([Pod("dying", "Running", node: "node-1", deleting: true), Pod("live", "Running", node: "node-1")], new Dictionary<string, V1Node> { ["node-1"] = node }, Absent(), Now, threshold: 100);

        Assert.Equal(swept ? [("dying", PodGcReason.TerminatingOutOfService)] : [], plan.Select(d => (d.Pod.Metadata.Name, d.Reason)));
    }

    [Fact]
    public void Plan_PodMatchingTwoSweeps_DeletedOnce() =>
        Assert.Single(PodGcPlanner.Plan([Pod("old", "Failed", node: "ghost", created: 0), Pod("new", "Failed", node: "node-1", created: 1)], Nodes("node-1"), Absent(("ghost", Now.AddMinutes(-5))), Now, threshold: 1));

    private static V1Pod Pod(string name, string phase, string? node = "node-1", int created = 0, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Uid = "uid-" + name,
            CreationTimestamp = Now.AddMinutes(-60 + created).UtcDateTime,
            DeletionTimestamp = deleting ? Now.UtcDateTime : null,
        },
        Spec = new V1PodSpec { NodeName = node },
        Status = new V1PodStatus { Phase = phase },
    };

    private static V1Node Node(string name, string ready = "True") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = ready }] },
    };

    private static Dictionary<string, V1Node> Nodes(params string[] names) => names.ToDictionary(n => n, n => Node(n), StringComparer.Ordinal);

    private static Dictionary<string, DateTimeOffset> Absent(params (string Node, DateTimeOffset Since)[] entries) => entries.ToDictionary(e => e.Node, e => e.Since, StringComparer.Ordinal);
}

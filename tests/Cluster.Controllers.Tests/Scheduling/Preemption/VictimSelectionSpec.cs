using Cluster.Controllers.Scheduling.Preemption;
using static Cluster.Controllers.Tests.Scheduling.Preemption.PreemptionTestPods;

namespace Cluster.Controllers.Tests.Scheduling.Preemption;

public sealed class VictimSelectionSpec
{
    [Fact]
    public void SelectOnNode_MoreImportantLowerPodReprieved_OnlyWhatMakesRoomEvicted()
    {
        var preemptor = Pending("p", "2", priority: 5);
        var node = NodeWith("4", Running("a", "2", priority: 1), Running("b", "1", priority: 2), Running("c", "1", priority: 10));

        var victims = VictimSelection.SelectOnNode(preemptor, node, CpuFits(preemptor), []);

        Assert.Equal(["a"], victims!.Pods.Select(p => p.Name));
        Assert.Equal(0, victims.PdbViolations);
        // The copy is left as preemption would: the victims gone, the reprieved back.
        Assert.Equal(["b", "c"], node.Pods.Select(p => p.Name).Order());
    }

    [Fact]
    public void SelectOnNode_NoLowerPriorityPods_NotACandidate()
    {
        var preemptor = Pending("p", "2", priority: 5);
        var node = NodeWith("2", Running("a", "2", priority: 5));

        Assert.Null(VictimSelection.SelectOnNode(preemptor, node, CpuFits(preemptor), []));
    }

    [Fact]
    public void SelectOnNode_HigherPriorityPodsAloneLeaveNoRoom_NotACandidate()
    {
        var preemptor = Pending("p", "2", priority: 5);
        var node = NodeWith("3", Running("a", "1", priority: 1), Running("b", "2", priority: 9));

        Assert.Null(VictimSelection.SelectOnNode(preemptor, node, CpuFits(preemptor), []));
    }

    [Fact]
    public void SelectOnNode_EqualPriority_TheYoungestEvicted()
    {
        var preemptor = Pending("p", "1", priority: 5);
        var node = NodeWith("2", Running("old", "1", priority: 1, startedMinute: 1), Running("young", "1", priority: 1, startedMinute: 9));

        var victims = VictimSelection.SelectOnNode(preemptor, node, CpuFits(preemptor), []);

        Assert.Equal(["young"], victims!.Pods.Select(p => p.Name));
    }

    [Theory]
    [InlineData(0, "free", 0)] // the guarded pods are reprieved first: the unguarded one goes, though it is older
    [InlineData(2, "guarded2", 0)] // the budget allows both: importance alone decides
    public void SelectOnNode_Budget_PrefersVictimsThatViolateNone(int allowed, string expectedVictim, int expectedViolations)
    {
        var preemptor = Pending("p", "1", priority: 5);
        var node = NodeWith(
            "3",
            Running("free", "1", priority: 1, startedMinute: 0),
            Running("guarded1", "1", priority: 1, startedMinute: 1, group: "web"),
            Running("guarded2", "1", priority: 1, startedMinute: 2, group: "web"));

        var victims = VictimSelection.SelectOnNode(preemptor, node, CpuFits(preemptor), [Budget("web", allowed)]);

        Assert.Equal([expectedVictim], victims!.Pods.Select(p => p.Name));
        Assert.Equal(expectedViolations, victims.PdbViolations);
    }

    [Fact]
    public void SelectOnNode_OnlyGuardedPodsCanMakeRoom_ViolationsCounted()
    {
        var preemptor = Pending("p", "2", priority: 5);
        var node = NodeWith("2", Running("g1", "1", priority: 1, group: "web"), Running("g2", "1", priority: 1, startedMinute: 1, group: "web"));

        var victims = VictimSelection.SelectOnNode(preemptor, node, CpuFits(preemptor), [Budget("web", 1)]);

        Assert.Equal(["g1", "g2"], victims!.Pods.Select(p => p.Name));
        // One disruption allowed: g1 spends it, g2 would break the budget.
        Assert.Equal(1, victims.PdbViolations);
    }

    [Theory]
    [InlineData(1, new string[0], "b", "a")] // allowed 1: the first spends it, the second violates
    [InlineData(0, new string[0], "a,b", "")]
    [InlineData(0, new[] { "a" }, "b", "a")] // a is already counted as disrupted: it spends nothing
    [InlineData(5, new string[0], "", "a,b")]
    public void SplitByBudgetViolation_Table(int allowed, string[] disrupted, string violating, string nonViolating)
    {
        var pods = new[] { Running("a", "1", 1, group: "web"), Running("b", "1", 1, group: "web") };

        var (v, n) = VictimSelection.SplitByBudgetViolation(pods, [Budget("web", allowed, disrupted)]);

        Assert.Equal(violating, string.Join(",", v.Select(p => p.Name)));
        Assert.Equal(nonViolating, string.Join(",", n.Select(p => p.Name)));
    }

    [Fact]
    public void SplitByBudgetViolation_OtherNamespaceOrUnlabelled_NeverViolates()
    {
        var unlabelled = Running("u", "1", 1);
        var budget = new BudgetView("other", Cluster.Core.Registry.Selectors.LabelSelector.FromMap(new Dictionary<string, string> { ["app"] = "u" }), 0, new HashSet<string>());

        var (violating, _) = VictimSelection.SplitByBudgetViolation([unlabelled], [budget]);

        Assert.Empty(violating);
    }

    [Fact]
    public void CompareImportance_HigherPriorityFirst_ThenEarlierStart()
    {
        var pods = new[] { Running("low", "1", 1, startedMinute: 0), Running("high-late", "1", 9, startedMinute: 5), Running("high-early", "1", 9, startedMinute: 1) };

        Assert.Equal(["high-early", "high-late", "low"], pods.Order(Comparer<Cluster.Controllers.Scheduling.Framework.PodInfo>.Create(VictimSelection.CompareImportance)).Select(p => p.Name));
    }
}

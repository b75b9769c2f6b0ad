using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Preemption;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.Preemption.PreemptionTestPods;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling.Preemption;

/// <summary>The post-filter's dry run over a cache with the default plugins, and the nominator's effect on later cycles.</summary>
public sealed class PreemptorSpec
{
    private readonly SchedulingAlgorithm _algorithm = new(DefaultProfile.Create(), new Random(1));

    private static SchedulerCache CacheOf(params (string Node, string Cpu, PodInfo[] Pods)[] nodes)
    {
        var cache = new SchedulerCache();
        foreach (var (name, cpu, pods) in nodes)
        {
            cache.SetNode(Node(name, cpu: cpu));
            foreach (var pod in pods)
            {
                cache.SetBoundPod(pod.AssumedOn(name));
            }
        }

        return cache;
    }

    private PreemptionResult Preempt(PodInfo pod, SchedulerCache cache, IReadOnlyList<BudgetView>? budgets = null)
    {
        var result = _algorithm.Schedule(pod, cache);
        Assert.Null(result.Node);
        return new Preemptor(_algorithm, new Random(1)).Preempt(pod, result.Error!, cache, budgets ?? []);
    }

    [Fact]
    public void Preempt_TwoFullNodes_ChoosesTheOneWithTheLessImportantVictim()
    {
        var cache = CacheOf(
            ("n1", "2", [Running("mid", "2", priority: 50, node: "n1")]),
            ("n2", "2", [Running("low", "2", priority: 10, node: "n2")]));

        var result = Preempt(Pending("p", "2", priority: 100), cache);

        Assert.Equal("n2", result.Chosen!.Node);
        Assert.Equal(["low"], result.Chosen.Victims.Pods.Select(p => p.Name));
    }

    [Fact]
    public void Preempt_VictimBehindABudget_TheOtherNodeChosen()
    {
        var cache = CacheOf(
            ("n1", "2", [Running("guarded", "2", priority: 10, node: "n1", group: "web")]),
            ("n2", "2", [Running("free", "2", priority: 20, node: "n2")]));

        var result = Preempt(Pending("p", "2", priority: 100), cache, [Budget("web", 0)]);

        Assert.Equal("n2", result.Chosen!.Node);
        Assert.Equal(0, result.Chosen.Victims.PdbViolations);
    }

    [Fact]
    public void Preempt_OnlyEqualOrHigherPriorityPods_NoCandidate_UpstreamMessage()
    {
        var cache = CacheOf(("n1", "2", [Running("same", "2", priority: 100, node: "n1")]), ("n2", "2", [Running("higher", "2", priority: 200, node: "n2")]));

        var result = Preempt(Pending("p", "2", priority: 100), cache);

        Assert.Null(result.Chosen);
        Assert.Equal("0/2 nodes are available: 2 No preemption victims found for incoming pod.", result.Message);
    }

    [Fact]
    public void Preempt_CordonedNode_PreemptionNotHelpfulThere()
    {
        var cache = new SchedulerCache();
        cache.SetNode(Node("cordoned", cpu: "2", unschedulable: true));
        cache.SetBoundPod(Running("low", "2", priority: 1, node: "cordoned"));

        var result = Preempt(Pending("p", "2", priority: 100), cache);

        Assert.Null(result.Chosen);
        Assert.Equal("0/1 nodes are available: 1 Preemption is not helpful for scheduling.", result.Message);
    }

    [Fact]
    public void Preempt_PreemptionPolicyNever_NotEligible()
    {
        var cache = CacheOf(("n1", "2", [Running("low", "2", priority: 1)]));
        var pod = Pod("p", cpu: "2", priority: 100);
        pod.Spec.PreemptionPolicy = "Never";

        var result = Preempt(PodInfo.From(pod), cache);

        Assert.Null(result.Chosen);
        Assert.Equal("not eligible due to preemptionPolicy=Never.", result.Message);
    }

    [Fact]
    public void Preempt_VictimStillTerminatingOnTheNominatedNode_WaitsInsteadOfPreemptingMore()
    {
        var victim = Pod("low", cpu: "2", node: "n1", priority: 1);
        victim.Metadata.DeletionTimestamp = Epoch;
        victim.Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = Preemptor.DisruptionTargetCondition, Status = "True", Reason = Preemptor.PreemptionByScheduler }] };
        var cache = CacheOf(("n1", "2", [PodInfo.From(victim)]), ("n2", "2", [Running("other", "2", priority: 1, node: "n2")]));
        var pod = Pod("p", cpu: "2", priority: 100);
        pod.Status = new V1PodStatus { NominatedNodeName = "n1" };

        var result = Preempt(PodInfo.From(pod), cache);

        Assert.Null(result.Chosen);
        Assert.Equal("not eligible due to a terminating pod on the nominated node.", result.Message);
    }

    [Fact]
    public void Schedule_RoomNominatedToAMoreImportantPod_NotGivenToALessImportantOne()
    {
        var cache = CacheOf(("n1", "4", [Running("busy", "2", priority: 0)]));
        cache.Nominate(Pending("important", "2", priority: 100), "n1");

        var lower = _algorithm.Schedule(Pending("lower", "1", priority: 5), cache);
        var equal = _algorithm.Schedule(Pending("equal", "1", priority: 100), cache);
        var higher = _algorithm.Schedule(Pending("higher", "1", priority: 200), cache);

        Assert.Null(lower.Node);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", lower.Error!.Message);
        Assert.Null(equal.Node);
        Assert.Equal("n1", higher.Node);
    }

    [Fact]
    public void Schedule_NominatedPodItself_NotCountedAgainstItself()
    {
        var cache = CacheOf(("n1", "2", []));
        var important = Pending("important", "2", priority: 100);
        cache.Nominate(important, "n1");

        Assert.Equal("n1", _algorithm.Schedule(important, cache).Node);

        cache.ClearNomination(important.Uid);
        Assert.Empty(cache.NominatedPods("n1"));
        Assert.Null(cache.NominatedNode(important.Uid));
    }
}

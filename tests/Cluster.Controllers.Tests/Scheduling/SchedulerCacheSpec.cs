using Cluster.Controllers.Scheduling.Framework;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class SchedulerCacheSpec
{
    [Fact]
    public void Assume_ThenBindingFails_ForgetGivesTheRoomBack()
    {
        var cache = Cache((Node("n1"), []));
        var pod = PodInfo.From(Pod("p", cpu: "1")).AssumedOn("n1");

        cache.Assume(pod);
        Assert.Equal(1000, cache.Node("n1")!.Requested.MilliCpu);
        cache.Forget(pod.Uid);

        Assert.Equal(0, cache.Node("n1")!.Requested.MilliCpu);
        Assert.Empty(cache.Node("n1")!.Pods);
    }

    [Fact]
    public void Assume_ThenSeenBound_ForgetLeavesTheBoundPod()
    {
        var cache = Cache((Node("n1"), []));
        var pod = PodInfo.From(Pod("p", cpu: "1")).AssumedOn("n1");
        cache.Assume(pod);

        cache.SetBoundPod(PodInfo.From(Pod("p", cpu: "1", node: "n1")));
        cache.Forget(pod.Uid);

        Assert.False(cache.IsAssumed(pod.Uid));
        Assert.Single(cache.Node("n1")!.Pods);
        Assert.Equal(1000, cache.Node("n1")!.Requested.MilliCpu);
    }

    [Fact]
    public void SetBoundPod_PodFinished_FreesItsRequests()
    {
        var cache = Cache((Node("n1"), []));
        cache.SetBoundPod(PodInfo.From(Pod("p", cpu: "1", node: "n1")));
        var done = Pod("p", cpu: "1", node: "n1");
        done.Status = new k8s.Models.V1PodStatus { Phase = "Succeeded" };

        cache.SetBoundPod(PodInfo.From(done));

        Assert.Equal(0, cache.Node("n1")!.Requested.MilliCpu);
        Assert.Equal(0, cache.PodCount);
    }

    [Fact]
    public void RemoveNode_WithPodsLeft_LeavesTheSchedulableNodes_ButKeepsThePodsCounted()
    {
        var cache = Cache((Node("n1"), [Pod("p")]), (Node("n2"), []), (Node("n3"), []));

        cache.RemoveNode("n1");

        Assert.Equal(["n3", "n2"], cache.Nodes.Select(n => n.Name));
        Assert.Null(cache.Node("n1"));
        Assert.True(cache.Contains("uid-p"));
        cache.RemovePod("uid-p");
        Assert.Equal(0, cache.PodCount);
    }
}

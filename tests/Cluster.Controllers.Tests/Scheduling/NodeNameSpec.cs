using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class NodeNameSpec
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("n1", true)]
    [InlineData("n2", false)]
    public void Filter_PodNamingANode_FitsOnlyThere(string? wanted, bool fits)
    {
        var pod = Pod("p");
        pod.Spec.NodeName = wanted;

        var result = new NodeName().Filter(new CycleState(), PodInfo.From(pod), NodeInfo(Node("n1")));

        Assert.Equal(fits ? FilterCode.Success : FilterCode.UnschedulableAndUnresolvable, result.Code);
        Assert.Equal(fits ? [] : [NodeName.Reason], result.Reasons);
    }
}

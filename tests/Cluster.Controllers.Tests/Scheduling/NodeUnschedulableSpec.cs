using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class NodeUnschedulableSpec
{
    public static TheoryData<bool, V1Toleration?, bool> Cases => new()
    {
        { false, null, true },
        { true, null, false },
        { true, new V1Toleration { Key = NodeUnschedulable.TaintKey, OperatorProperty = "Exists", Effect = "NoSchedule" }, true },
        { true, new V1Toleration { OperatorProperty = "Exists" }, true },
        { true, new V1Toleration { Key = NodeUnschedulable.TaintKey, OperatorProperty = "Exists", Effect = "NoExecute" }, false },
        { true, new V1Toleration { Key = "other", OperatorProperty = "Exists" }, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_CordonedNode_TakesOnlyPodsThatTolerateIt(bool cordoned, V1Toleration? toleration, bool fits)
    {
        var pod = Pod("p");
        pod.Spec.Tolerations = toleration is null ? null : [toleration];

        var result = new NodeUnschedulable().Filter(new CycleState(), PodInfo.From(pod), NodeInfo(Node("n1", unschedulable: cordoned)));

        Assert.Equal(fits, result.IsSuccess);
        Assert.Equal(fits ? [] : [NodeUnschedulable.Reason], result.Reasons);
    }
}

using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class TaintTolerationSpec
{
    private readonly TaintToleration _plugin = new();

    [Fact]
    public void Filter_UntoleratedNoScheduleTaint_NamesTheTaint()
    {
        var node = NodeInfo(Node("n1", taints: [new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }]));

        var result = _plugin.Filter(new CycleState(), PodInfo.From(Pod("p")), node);

        Assert.Equal(FilterCode.UnschedulableAndUnresolvable, result.Code);
        Assert.Equal(["node(s) had untolerated taint {dedicated: gpu}"], result.Reasons);
    }

    [Fact]
    public void Filter_ToleratedOrPreferNoSchedule_Fits()
    {
        var node = NodeInfo(Node("n1", taints:
        [
            new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoExecute" },
            new V1Taint { Key = "soft", Effect = "PreferNoSchedule" },
        ]));
        var pod = Pod("p");
        pod.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "gpu" }];

        Assert.True(_plugin.Filter(new CycleState(), PodInfo.From(pod), node).IsSuccess);
    }

    [Fact]
    public void Score_PreferNoScheduleTaints_FewerIntolerableScoresHigher()
    {
        V1Taint Soft(string key) => new() { Key = key, Effect = "PreferNoSchedule" };
        var nodes = new[] { NodeInfo(Node("clean")), NodeInfo(Node("one", taints: [Soft("a")])), NodeInfo(Node("two", taints: [Soft("a"), Soft("b")])) };
        var pod = Pod("p");
        pod.Spec.Tolerations = [new V1Toleration { Key = "b", OperatorProperty = "Exists", Effect = "PreferNoSchedule" }];
        var info = PodInfo.From(pod);

        var scores = nodes.Select(n => _plugin.Score(new CycleState(), info, n)).ToArray();
        _plugin.Normalize(new CycleState(), info, scores);

        // "two" has one intolerable taint as "one" has: b is tolerated.
        Assert.Equal([100, 0, 0], scores);
    }

    [Fact]
    public void Schedule_TaintsAndShortMemory_MessageCountsBoth()
    {
        var tainted = new V1Taint { Key = "node-role.kubernetes.io/control-plane", Effect = "NoSchedule" };
        var cache = Cache(
            (Node("small", memory: "1Gi"), []),
            (Node("cp-1", taints: [tainted]), []),
            (Node("cp-2", taints: [tainted]), []));

        var result = new SchedulingAlgorithm(DefaultProfile.Create(), new Random(1)).Schedule(PodInfo.From(Pod("p", memory: "2Gi")), cache);

        Assert.Equal("0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.", result.Error!.Message);
    }
}

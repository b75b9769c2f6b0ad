using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class NodeAffinitySpec
{
    private readonly NodeAffinity _plugin = new();

    [Fact]
    public void Filter_NodeSelectorNotMatched_Unresolvable()
    {
        var pod = Pod("p");
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };

        var ssd = _plugin.Filter(new CycleState(), PodInfo.From(pod), NodeInfo(Node("a", labels: new() { ["disk"] = "ssd" })));
        var hdd = _plugin.Filter(new CycleState(), PodInfo.From(pod), NodeInfo(Node("b", labels: new() { ["disk"] = "hdd" })));

        Assert.True(ssd.IsSuccess);
        Assert.Equal(FilterCode.UnschedulableAndUnresolvable, hdd.Code);
        Assert.Equal([NodeAffinity.Reason], hdd.Reasons);
    }

    [Fact]
    public void Score_PreferredTerms_WeightsOfMatchedTermsScaledToTheBest()
    {
        var pod = Pod("p");
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    Preference(2, "zone", "In", "a"),
                    Preference(8, "disk", "Exists"),
                ],
            },
        };
        var nodes = new[]
        {
            NodeInfo(Node("both", labels: new() { ["zone"] = "a", ["disk"] = "ssd" })),
            NodeInfo(Node("disk", labels: new() { ["disk"] = "hdd" })),
            NodeInfo(Node("zone", labels: new() { ["zone"] = "a" })),
            NodeInfo(Node("none", labels: new() { ["zone"] = "b" })),
        };
        var state = new CycleState();
        var info = PodInfo.From(pod);
        _plugin.PreScore(state, info, nodes, Cache());

        var scores = nodes.Select(n => _plugin.Score(state, info, n)).ToArray();
        _plugin.Normalize(state, info, scores);

        Assert.Equal([100, 80, 20, 0], scores);
    }

    [Fact]
    public void Score_NoPreferences_AllZero()
    {
        var state = new CycleState();
        var info = PodInfo.From(Pod("p"));
        var node = NodeInfo(Node("a"));
        _plugin.PreScore(state, info, [node], Cache());

        Assert.Equal(0, _plugin.Score(state, info, node));
    }

    private static V1PreferredSchedulingTerm Preference(int weight, string key, string op, params string[] values) => new()
    {
        Weight = weight,
        Preference = new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = key, OperatorProperty = op, Values = values.Length > 0 ? values : null }] },
    };
}

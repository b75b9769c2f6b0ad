using Cluster.Controllers.DaemonSets;
using k8s.Models;
using static Cluster.Controllers.Tests.DaemonSets.DaemonFixtures;

namespace Cluster.Controllers.Tests.DaemonSets;

public sealed class DaemonPodsSpec
{
    public static TheoryData<string, V1Taint[], V1Toleration[], bool, bool> TaintCases => new()
    {
        { "no taints", [], [], true, true },
        { "NoSchedule not tolerated: no new pod, a running one stays", [Taint("dedicated", "NoSchedule")], [], false, true },
        { "NoExecute not tolerated: none at all", [Taint("dedicated", "NoExecute")], [], false, false },
        { "PreferNoSchedule only steers the scheduler", [Taint("dedicated", "PreferNoSchedule")], [], true, true },
        { "NoSchedule tolerated by the template", [Taint("dedicated", "NoSchedule")], [new V1Toleration { Key = "dedicated", OperatorProperty = "Exists" }], true, true },
        { "not-ready NoExecute: default toleration", [Taint("node.kubernetes.io/not-ready", "NoExecute")], [], true, true },
        { "unreachable NoExecute: default toleration", [Taint("node.kubernetes.io/unreachable", "NoExecute")], [], true, true },
        { "disk-pressure: default toleration", [Taint("node.kubernetes.io/disk-pressure", "NoSchedule")], [], true, true },
        { "memory-pressure: default toleration", [Taint("node.kubernetes.io/memory-pressure", "NoSchedule")], [], true, true },
        { "pid-pressure: default toleration", [Taint("node.kubernetes.io/pid-pressure", "NoSchedule")], [], true, true },
        { "cordoned: default toleration", [Taint("node.kubernetes.io/unschedulable", "NoSchedule")], [], true, true },
        { "network-unavailable: only for host-network pods", [Taint("node.kubernetes.io/network-unavailable", "NoSchedule")], [], false, true },
    };

    [Theory]
    [MemberData(nameof(TaintCases))]
    public void ShouldRun_Taints_AsUpstream(string name, V1Taint[] taints, V1Toleration[] tolerations, bool run, bool stay)
    {
        var ds = Ds();
        ds.Spec.Template.Spec.Tolerations = tolerations;

        var verdict = DaemonPods.ShouldRun(Node("n1", null, taints), DaemonPods.Probe(ds, "n1"), null);

        Assert.True((run, stay) == verdict, name);
    }

    [Fact]
    public void ShouldRun_HostNetwork_ToleratesNetworkUnavailable()
    {
        var ds = Ds();
        ds.Spec.Template.Spec.HostNetwork = true;

        Assert.Equal((true, true), DaemonPods.ShouldRun(Node("n1", null, Taint("node.kubernetes.io/network-unavailable", "NoSchedule")), DaemonPods.Probe(ds, "n1"), null));
    }

    [Theory]
    [InlineData("ssd", true)]
    [InlineData("hdd", false)]
    public void ShouldRun_NodeSelector_OnlyMatchingNodes(string disk, bool run)
    {
        var ds = Ds();
        ds.Spec.Template.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };

        Assert.Equal((run, run), DaemonPods.ShouldRun(Node("n1", new() { ["disk"] = disk }), DaemonPods.Probe(ds, "n1"), null));
    }

    [Theory]
    [InlineData("n1", true)]
    [InlineData("n2", false)]
    public void ShouldRun_RequiredAffinityOrTemplateNodeName_OnlyThatNode(string node, bool run)
    {
        var ds = Ds();
        ds.Spec.Template.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["n1"] }] }],
                },
            },
        };

        Assert.Equal((run, run), DaemonPods.ShouldRun(Node(node), DaemonPods.Probe(ds, node), null));
        Assert.Equal((run, run), DaemonPods.ShouldRun(Node(node), DaemonPods.Probe(Ds(), node), "n1"));
    }

    [Fact]
    public void PodFor_Node_PinnedByMatchFieldsWithLabelsAndDefaultTolerations()
    {
        var ds = Ds();
        ds.Spec.Template.Spec.Tolerations = [new V1Toleration { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" }];
        ds.Spec.Template.Spec.Affinity = DaemonPods.PinTo(null, "elsewhere");

        var pod = DaemonPods.PodFor(ds, "n2", "h1");

        Assert.Null(pod.Spec.NodeName);
        Assert.Equal("agent-", pod.Metadata.GenerateName);
        Assert.Equal("n2", DaemonPods.TargetNode(pod));
        var term = Assert.Single(pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms);
        Assert.Equal(("metadata.name", "In", "n2"), (term.MatchFields[0].Key, term.MatchFields[0].OperatorProperty, Assert.Single(term.MatchFields[0].Values)));
        Assert.Equal(("h1", "2", "agent"), (pod.Metadata.Labels[DaemonPods.HashLabel], pod.Metadata.Labels[DaemonPods.TemplateGenerationLabel], pod.Metadata.Labels["app"]));
        Assert.Equal(6, pod.Spec.Tolerations.Count); // the template's unschedulable one is not doubled
        Assert.Equal(("DaemonSet", "agent", true), (pod.Metadata.OwnerReferences[0].Kind, pod.Metadata.OwnerReferences[0].Name, pod.Metadata.OwnerReferences[0].Controller == true));
        Assert.Equal("elsewhere", DaemonPods.TargetNode(new V1Pod { Spec = ds.Spec.Template.Spec }));
    }

    [Theory]
    [InlineData("2", "x", true)]
    [InlineData("1", Hash, true)]
    [InlineData("1", "x", false)]
    public void IsUpdated_GenerationOrHash(string generation, string hash, bool updated)
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { [DaemonPods.TemplateGenerationLabel] = generation, [DaemonPods.HashLabel] = hash } } };

        Assert.Equal(updated, DaemonPods.IsUpdated(pod, Hash, 2));
    }
}

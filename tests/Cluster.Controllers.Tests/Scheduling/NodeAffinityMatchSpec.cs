using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>
/// Cases ported from upstream's component-helpers nodeaffinity_test.go and the NodeAffinity plugin's node_affinity_test.go:
/// node-1 carries <c>foo=bar</c>, <c>gpu=</c> and <c>version=5</c>.
/// </summary>
public sealed class NodeAffinityMatchSpec
{
    private static V1NodeSelectorRequirement Req(string key, string op, params string[] values) =>
        new() { Key = key, OperatorProperty = op, Values = values.Length == 0 ? null : values };

    private static V1NodeSelectorTerm Labels(params V1NodeSelectorRequirement[] requirements) => new() { MatchExpressions = requirements };

    private static V1NodeSelectorTerm Fields(params V1NodeSelectorRequirement[] requirements) => new() { MatchFields = requirements };

    private static readonly Dictionary<string, (Dictionary<string, string>? NodeSelector, V1NodeSelectorTerm[]? Terms, bool Want)> Cases = new()
    {
        ["no node selector and no affinity"] = (null, null, true),
        ["node selector matches"] = (new() { ["foo"] = "bar" }, null, true),
        ["node selector value differs"] = (new() { ["foo"] = "baz" }, null, false),
        ["node selector key missing"] = (new() { ["zone"] = "z1" }, null, false),
        ["node selector matches but required affinity does not"] = (new() { ["foo"] = "bar" }, [Labels(Req("foo", "In", "baz"))], false),
        ["In matches"] = (null, [Labels(Req("foo", "In", "value1", "bar"))], true),
        ["In does not match"] = (null, [Labels(Req("foo", "In", "value1", "value2"))], false),
        ["NotIn with the key missing matches"] = (null, [Labels(Req("zone", "NotIn", "z1"))], true),
        ["NotIn with the value present does not match"] = (null, [Labels(Req("foo", "NotIn", "bar"))], false),
        ["Exists"] = (null, [Labels(Req("gpu", "Exists"))], true),
        ["DoesNotExist on a present key"] = (null, [Labels(Req("gpu", "DoesNotExist"))], false),
        ["Gt below the node's value"] = (null, [Labels(Req("version", "Gt", "4"))], true),
        ["Gt equal to the node's value"] = (null, [Labels(Req("version", "Gt", "5"))], false),
        ["Lt above the node's value"] = (null, [Labels(Req("version", "Lt", "6"))], true),
        ["Gt on a non-integer node label"] = (null, [Labels(Req("foo", "Gt", "1"))], false),
        ["expressions of one term are ANDed"] = (null, [Labels(Req("foo", "In", "bar"), Req("gpu", "DoesNotExist"))], false),
        ["terms are ORed"] = (null, [Labels(Req("foo", "In", "baz")), Labels(Req("gpu", "Exists"))], true),
        ["no terms select no node"] = (null, [], false),
        ["an empty term selects no node"] = (null, [new V1NodeSelectorTerm()], false),
        ["an empty term beside a matching one"] = (null, [new V1NodeSelectorTerm(), Labels(Req("foo", "In", "bar"))], true),
        ["matchFields metadata.name In the node's name"] = (null, [Fields(Req("metadata.name", "In", "node-1"))], true),
        ["matchFields metadata.name In another name"] = (null, [Fields(Req("metadata.name", "In", "node-2"))], false),
        ["matchFields metadata.name NotIn another name"] = (null, [Fields(Req("metadata.name", "NotIn", "node-2"))], true),
        ["matchFields on another field reads it as empty"] = (null, [Fields(Req("metadata.uid", "In", "node-1"))], false),
        ["matchExpressions and matchFields of one term are ANDed"] =
            (null, [new V1NodeSelectorTerm { MatchExpressions = [Req("foo", "In", "bar")], MatchFields = [Req("metadata.name", "In", "node-2")] }], false),
        ["Gt with two values is malformed, its term ignored"] = (null, [Labels(Req("version", "Gt", "1", "2"))], false),
        ["an unknown operator is malformed, another term still matches"] = (null, [Labels(Req("foo", "Matches", "bar")), Labels(Req("gpu", "Exists"))], true),
        ["In without values is malformed"] = (null, [Labels(Req("foo", "In"))], false),
        ["an invalid label value is malformed"] = (null, [Labels(Req("foo", "NotIn", "{{.bad-value.}}"))], false),
        ["matchFields In with two values is malformed"] = (null, [Fields(Req("metadata.name", "In", "node-1", "node-2"))], false),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_UpstreamCase_GivesUpstreamAnswer(string name)
    {
        var (nodeSelector, terms, want) = Cases[name];

        Assert.Equal(want, NodeAffinityMatch.Matches(Pod(nodeSelector, terms), Node()));
    }

    [Fact]
    public void Matches_RepeatedForOnePod_AllocatesNothing()
    {
        var pod = Pod(new() { ["foo"] = "bar" }, [Labels(Req("foo", "In", "baz")), Labels(Req("version", "Gt", "4"), Req("zone", "NotIn", "z1")), Fields(Req("metadata.name", "In", "node-1"))]);
        var node = Node();
        Assert.True(NodeAffinityMatch.Matches(pod, node));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            NodeAffinityMatch.Matches(pod, node);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static V1Pod Pod(Dictionary<string, string>? nodeSelector, V1NodeSelectorTerm[]? terms) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            NodeSelector = nodeSelector,
            Affinity = terms is null ? null : new V1Affinity { NodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = terms } } },
        },
    };

    private static NodeInfo Node()
    {
        var node = new NodeInfo("node-1");
        node.SetNode(new V1Node { Metadata = new V1ObjectMeta { Name = "node-1", Labels = new Dictionary<string, string> { ["foo"] = "bar", ["gpu"] = "", ["version"] = "5" } } });
        return node;
    }
}

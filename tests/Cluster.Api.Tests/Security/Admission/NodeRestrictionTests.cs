using System.Text.Json.Nodes;
using Cluster.Api.Security.Admission;
using Cluster.Api.Security.Authentication;
using Cluster.Core.Registry;

namespace Cluster.Api.Tests.Security.Admission;

public sealed class NodeRestrictionTests
{
    private static readonly NodeRestriction NodeA = NodeRestriction.For(new UserInfo("system:node:node-a", ["system:nodes"]))!;

    [Fact]
    public void For_UsersWhoAreNotNodes_NoRestriction()
    {
        Assert.Null(NodeRestriction.For(new UserInfo("admin", ["system:masters"])));
        Assert.Null(NodeRestriction.For(new UserInfo("system:node:node-a", ["system:authenticated"])));
        Assert.Null(NodeRestriction.For(new UserInfo("system:node:", ["system:nodes"])));
    }

    [Fact]
    public void Admit_PodStatus_OnlyOfPodsBoundToTheNode()
    {
        NodeA.Admit(BuiltInKinds.Pod, "ns", "status", Pod("node-a"), Pod("node-a"));

        var e = Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Pod, "ns", "status", Pod("node-b"), Pod("node-b")));
        Assert.Equal(403, e.Code);
        Assert.Equal("node \"node-a\" can only update pod status for pods with spec.nodeName set to itself", e.Message);
        Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Pod, "ns", "status", null, Pod("node-a")));
    }

    [Fact]
    public void Admit_PodCreateAndUpdate_OnlyMirrorPodsBoundToItselfAndNoSpecChanges()
    {
        var mirror = Pod("node-a");
        mirror["metadata"]!["annotations"] = new JsonObject { ["kubernetes.io/config.mirror"] = "hash" };
        NodeA.Admit(BuiltInKinds.Pod, "ns", null, null, mirror);

        Assert.Contains("can only create mirror pods", Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Pod, "ns", null, null, Pod("node-a"))).Message);
        var elsewhere = Pod("node-b");
        elsewhere["metadata"]!["annotations"] = new JsonObject { ["kubernetes.io/config.mirror"] = "hash" };
        Assert.Contains("spec.nodeName set to itself", Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Pod, "ns", null, null, elsewhere)).Message);
        Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Pod, "ns", null, Pod("node-a"), Pod("node-a")));
    }

    [Fact]
    public void Admit_Node_OnlyItselfWithoutTaintsOrKeptLabels()
    {
        NodeA.Admit(BuiltInKinds.Node, "", null, null, Node("node-a", """{"kubernetes.io/hostname":"a","node.kubernetes.io/exclude-from-external-load-balancers":"true"}"""));
        NodeA.Admit(BuiltInKinds.Node, "", "status", Node("node-a"), Node("node-a", """{"example.com/disk":"ssd"}"""));

        Assert.Equal("node \"node-a\" is not allowed to modify node \"node-b\"", Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Node, "", null, null, Node("node-b"))).Message);
        Assert.Equal(
            "is not allowed to modify labels: node-restriction.kubernetes.io/pool",
            Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Node, "", null, Node("node-a"), Node("node-a", """{"node-restriction.kubernetes.io/pool":"x"}"""))).Message);
        Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Node, "", null, null, Node("node-a", """{"node-role.kubernetes.io/control-plane":""}""")));
        var tainted = Node("node-a");
        tainted["spec"] = JsonNode.Parse("""{"taints":[{"key":"k","effect":"NoSchedule"}]}""");
        Assert.Equal("node \"node-a\" is not allowed to modify taints", Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Node, "", null, Node("node-a"), tainted)).Message);
    }

    [Fact]
    public void Admit_Lease_OnlyItsOwn()
    {
        NodeA.Admit(BuiltInKinds.Lease, "kube-node-lease", null, null, Lease("node-a"));

        Assert.Throws<ApiException>(() => NodeA.Admit(BuiltInKinds.Lease, "kube-node-lease", null, null, Lease("node-b")));
    }

    [Fact]
    public void AdmitDeleteEvictionAndToken_OnlyForItsOwnPodsAndNode()
    {
        NodeA.AdmitDelete(BuiltInKinds.Pod, "p", Pod("node-a"));
        NodeA.AdmitDelete(BuiltInKinds.Node, "node-a", null);
        NodeA.AdmitEviction(Pod("node-a"));
        var token = JsonNode.Parse("""{"spec":{"boundObjectRef":{"kind":"Pod","name":"p"}}}""")!.AsObject();
        NodeA.AdmitTokenRequest(token, _ => Pod("node-a"));

        Assert.Throws<ApiException>(() => NodeA.AdmitDelete(BuiltInKinds.Pod, "p", Pod("node-b")));
        Assert.Throws<ApiException>(() => NodeA.AdmitDelete(BuiltInKinds.Node, "node-b", null));
        Assert.Throws<ApiException>(() => NodeA.AdmitEviction(Pod("node-b")));
        Assert.Throws<ApiException>(() => NodeA.AdmitTokenRequest(token, _ => Pod("node-b")));
        Assert.Throws<ApiException>(() => NodeA.AdmitTokenRequest(JsonNode.Parse("""{"spec":{}}""")!.AsObject(), _ => Pod("node-a")));
    }

    private static JsonObject Pod(string node) => JsonNode.Parse($$$"""{"metadata":{"name":"p"},"spec":{"nodeName":"{{{node}}}"}}""")!.AsObject();

    private static JsonObject Node(string name, string labels = "{}") => JsonNode.Parse($$$"""{"metadata":{"name":"{{{name}}}","labels":{{{labels}}}}}""")!.AsObject();

    private static JsonObject Lease(string name) => JsonNode.Parse($$$"""{"metadata":{"name":"{{{name}}}"}}""")!.AsObject();
}

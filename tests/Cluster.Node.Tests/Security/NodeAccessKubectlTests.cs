using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Security;

/// <summary>
/// A node agent's certificate (system:node:NAME in system:nodes) through the real kubectl: the Node authorizer and the
/// NodeRestriction admission keep it to its own Node and the pods bound to it.
/// </summary>
public sealed class NodeAccessKubectlTests(SecureCluster cluster) : IClassFixture<SecureCluster>
{
    private const string Ns = "node-access";

    [Fact]
    public async Task NodeCertificate_ChangesItsOwnPodsAndNode_NotAnotherNodes()
    {
        await cluster.IssueKubeconfigAsync("--user", "system:node:node-x", "--group", "system:nodes", "--context", "node-x");
        KubectlAssert.Succeeded(await cluster.RunWithInputAsync(Manifests, "apply", "-f", "-"));

        KubectlAssert.Succeeded(await cluster.AsAsync("node-x", "get", "pod", "on-x", "-n", Ns));
        KubectlAssert.FailedWith(await cluster.AsAsync("node-x", "get", "pod", "on-y", "-n", Ns), "no relationship found between node 'node-x' and this object");
        var mine = KubectlAssert.Succeeded(await cluster.AsAsync("node-x", "get", "pods", "-A", "--field-selector", "spec.nodeName=node-x", "-o", "name"));
        Assert.Equal("pod/on-x", mine.StdOut.Trim());
        KubectlAssert.FailedWith(await cluster.AsAsync("node-x", "get", "pods", "-A"), "can only list/watch pods with spec.nodeName field selector");

        KubectlAssert.Succeeded(await cluster.AsAsync("node-x", "patch", "pod", "on-x", "-n", Ns, "--subresource=status", "--type=merge", "-p", """{"status":{"message":"seen by node-x"}}"""));
        KubectlAssert.FailedWith(
            await cluster.AsAsync("node-x", "patch", "pod", "on-y", "-n", Ns, "--subresource=status", "--type=merge", "-p", """{"status":{"message":"seen by node-x"}}"""),
            "no relationship found between node 'node-x' and this object");

        // kubectl reads before it patches; the patches alone, with the node's own (remoting) certificate.
        using (var authority = cluster.Authority())
        using (var certificate = authority.IssueNode("node-x", ["node-x"], [], TimeSpan.FromHours(1), TimeProvider.System))
        using (var https = cluster.Https(certificate))
        {
            Assert.Equal(
                "node \"node-x\" can only update pod status for pods with spec.nodeName set to itself",
                await RefusedPatchAsync(https, $"/api/v1/namespaces/{Ns}/pods/on-y/status", """{"status":{"message":"seen by node-x"}}"""));
            Assert.Equal(
                "node \"node-x\" is not allowed to modify node \"node-y\"",
                await RefusedPatchAsync(https, "/api/v1/nodes/node-y", """{"metadata":{"labels":{"owner":"node-x"}}}"""));
        }

        KubectlAssert.FailedWith(await cluster.AsAsync("node-x", "delete", "pod", "on-y", "-n", Ns), "node \"node-x\" can only delete pods with spec.nodeName set to itself");
        KubectlAssert.FailedWith(
            await cluster.AsAsync("node-x", "patch", "node", "node-y", "--type=merge", "-p", """{"metadata":{"labels":{"owner":"node-x"}}}"""),
            "node 'node-x' can only read its own Node");
        KubectlAssert.FailedWith(
            await cluster.AsAsync("node-x", "patch", "node", "node-x", "--type=merge", "-p", """{"metadata":{"labels":{"node-restriction.kubernetes.io/pool":"gold"}}}"""),
            "is not allowed to modify labels: node-restriction.kubernetes.io/pool");
        KubectlAssert.Succeeded(await cluster.AsAsync("node-x", "patch", "node", "node-x", "--type=merge", "-p", """{"metadata":{"labels":{"owner":"node-x"}}}"""));

        // What the refused requests would have changed is as it was; what node-x may change, changed.
        var other = KubectlAssert.Succeeded(await cluster.RunAsync("get", "pod", "on-y", "-n", Ns, "-o", "jsonpath={.status.message}"));
        Assert.Equal("", other.StdOut.Trim());
        var own = KubectlAssert.Succeeded(await cluster.RunAsync("get", "pod", "on-x", "-n", Ns, "-o", "jsonpath={.status.message}"));
        Assert.Equal("seen by node-x", own.StdOut.Trim());
        var labels = KubectlAssert.Succeeded(await cluster.RunAsync("get", "nodes", "node-x", "node-y", "-o", "jsonpath={.items[*].metadata.labels.owner}"));
        Assert.Equal("node-x", labels.StdOut.Trim());
        Assert.Equal("no", (await cluster.AsAsync("node-x", "auth", "can-i", "delete", "deployments", "-n", Ns)).StdOut.Trim());
    }

    /// <summary>The message of the 403 a merge patch gets.</summary>
    private static async Task<string> RefusedPatchAsync(HttpClient https, string path, string body)
    {
        using var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri(path, UriKind.Relative));
        patch.Content = new StringContent(body, Encoding.UTF8, "application/merge-patch+json");
        using var response = await https.SendAsync(patch);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return status["message"]!.GetValue<string>();
    }

    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: node-access}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-x}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-y}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: on-x, namespace: node-access}
        spec:
          nodeName: node-x
          automountServiceAccountToken: false
          containers: [{name: c, image: busybox}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: on-y, namespace: node-access}
        spec:
          nodeName: node-y
          automountServiceAccountToken: false
          containers: [{name: c, image: busybox}]
        """;
}

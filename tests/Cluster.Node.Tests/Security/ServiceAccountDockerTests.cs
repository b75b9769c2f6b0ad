using System.Text.Json.Nodes;
using Cluster.Node.Tests.Agent;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Security;

/// <summary>The ServiceAccount token the node agent projects into a real Docker container, as the kubelet does.</summary>
public sealed class ServiceAccountDockerTests(DockerCluster cluster) : IClassFixture<DockerCluster>
{
    private const string Dir = "/var/run/secrets/kubernetes.io/serviceaccount/";

    [Fact]
    public async Task Pod_ReadsProjectedTokenCaAndNamespace_TokenNamesThePod()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "sa-docker"));
        await Poll.UntilAsync(async () => (await cluster.RunAsync("get", "sa/default", "configmap/kube-root-ca.crt", "-n", "sa-docker")).ExitCode == 0, "the default ServiceAccount and kube-root-ca.crt in sa-docker");
        var file = cluster.WriteFile("sa-docker.yaml", $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: reader}
            spec:
              nodeName: {{cluster.NodeName}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{DockerCluster.Image}}
                command: ["sleep", "3600"]
            """);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-n", "sa-docker", "-f", file));
        await cluster.UntilAsync("reader", "sa-docker", "{.status.phase}", v => v == "Running", seconds: 60);

        var token = (await cluster.OutputAsync("exec", "reader", "-n", "sa-docker", "--", "cat", Dir + "token")).Trim();
        var ns = (await cluster.OutputAsync("exec", "reader", "-n", "sa-docker", "--", "cat", Dir + "namespace")).Trim();
        var ca = await cluster.OutputAsync("exec", "reader", "-n", "sa-docker", "--", "cat", Dir + "ca.crt");
        var volume = await cluster.JsonPathAsync("pod/reader", "sa-docker", "{.spec.volumes[0].name} {.spec.containers[0].volumeMounts[0].mountPath} {.spec.serviceAccountName}");

        Assert.Equal("sa-docker", ns);
        Assert.Equal((await File.ReadAllTextAsync(Path.Combine(cluster.DataDir, "pki", "ca.crt"))).Trim(), ca.Trim());
        Assert.Matches("^kube-api-access-[a-z0-9]{5} /var/run/secrets/kubernetes.io/serviceaccount default$", volume);
        var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = token } };
        var review = JsonNode.Parse(await cluster.OutputAsync("create", "--raw", "/apis/authentication.k8s.io/v1/tokenreviews", "-f", cluster.WriteFile("reader-review.json", body.ToJsonString())))!["status"]!;
        Assert.True(review["authenticated"]!.GetValue<bool>());
        Assert.Equal("system:serviceaccount:sa-docker:default", review["user"]!["username"]!.GetValue<string>());
        Assert.Equal("[\"reader\"]", review["user"]!["extra"]!["authentication.kubernetes.io/pod-name"]!.ToJsonString());
        Assert.Equal("[\"" + cluster.NodeName + "\"]", review["user"]!["extra"]!["authentication.kubernetes.io/node-name"]!.ToJsonString());
    }
}

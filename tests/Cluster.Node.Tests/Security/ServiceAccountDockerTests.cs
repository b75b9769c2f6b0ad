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

    [Fact]
    public async Task PodToken_CallsTheApiFromInsideThePod_WithTheRightsItsBindingsGive()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "sa-caller"));
        await Poll.UntilAsync(async () => (await cluster.RunAsync("get", "sa/default", "configmap/kube-root-ca.crt", "-n", "sa-caller")).ExitCode == 0, "the default ServiceAccount and kube-root-ca.crt in sa-caller");

        // kubectl itself (a static binary) runs inside the pod with its in-cluster configuration: the projected token,
        // ca.crt (it checks the server's certificate with it) and namespace, and the API's address from the two
        // variables upstream's kubelet sets from the kubernetes Service; here the pod spec gives them, as the pod is on
        // the host's network and reaches the API where this node serves it (loopback).
        var server = new Uri(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(cluster.DataDir, "admin.kubeconfig")).Host);
        var file = cluster.WriteFile("sa-caller.yaml", $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: caller}
            spec:
              nodeName: {{cluster.NodeName}}
              hostNetwork: true
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{DockerCluster.Image}}
                command: ["sleep", "3600"]
                env:
                - {name: KUBERNETES_SERVICE_HOST, value: "{{server.Host}}"}
                - {name: KUBERNETES_SERVICE_PORT, value: "{{server.Port}}"}
                - {name: HOME, value: /home}
                volumeMounts:
                - {name: kubectl, mountPath: /opt/kubectl, readOnly: true}
                - {name: home, mountPath: /home}
              volumes:
              - name: kubectl
                hostPath: {path: /usr/bin/kubectl, type: File}
              - name: home
                emptyDir: {}
            """);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-n", "sa-caller", "-f", file));
        await cluster.UntilAsync("caller", "sa-caller", "{.status.phase}", v => v == "Running", seconds: 60);

        var whoami = KubectlAssert.Succeeded(await InPodAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.extra.authentication\\.kubernetes\\.io/pod-name[0]}"));
        KubectlAssert.FailedWith(await InPodAsync("get", "pods", "-o", "name"), "User \"system:serviceaccount:sa-caller:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"sa-caller\"");

        KubectlAssert.Succeeded(await cluster.RunAsync("create", "rolebinding", "caller-view", "-n", "sa-caller", "--clusterrole=view", "--serviceaccount=sa-caller:default"));
        KubectlResult pods = null!;
        await Poll.UntilAsync(async () => (pods = await InPodAsync("get", "pods", "-o", "name")).ExitCode == 0, "the view binding to reach the pod's requests");

        Assert.Equal("system:serviceaccount:sa-caller:default caller", whoami.StdOut.Trim());
        Assert.Equal("pod/caller", pods.StdOut.Trim());
        KubectlAssert.FailedWith(await InPodAsync("get", "secrets"), "cannot list resource \"secrets\"");
        KubectlAssert.FailedWith(await InPodAsync("delete", "pod", "caller"), "cannot delete resource \"pods\"");
        KubectlAssert.FailedWith(await InPodAsync("get", "pods", "-n", "default"), "in the namespace \"default\"");
    }

    private Task<KubectlResult> InPodAsync(params string[] args) =>
        cluster.RunAsync(["exec", "caller", "-n", "sa-caller", "--", "/opt/kubectl", .. args]);
}

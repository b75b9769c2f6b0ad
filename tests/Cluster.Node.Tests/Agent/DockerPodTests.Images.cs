using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>Images pulled from a private registry with the pod's imagePullSecrets as the registry login.</summary>
public sealed partial class DockerPodTests
{
    [Fact]
    public async Task PrivateRegistry_PullSecretLogsIn_WithoutItThePullIsRefused()
    {
        const string ns = "agent-pull";
        await using var registry = await LoopbackRegistry.StartAsync(DockerCluster.Image, "puller", "s3cret");
        var image = registry.Host + "/private/busybox:1";
        await cluster.RunAsync("create", "namespace", ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "secret", "docker-registry", "regcred", "-n", ns, "--docker-server=" + registry.Host, "--docker-username=puller", "--docker-password=s3cret"));
        string Pod(string name, string secrets) => $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{{name}}}}
            spec:
              nodeName: {{{cluster.NodeName}}}
              terminationGracePeriodSeconds: 1
              {{{secrets}}}
              containers:
              - name: app
                image: {{{image}}}
                imagePullPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            """;
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-n", ns, "-f", cluster.WriteFile("pull-secret.yaml", Pod("with-secret", "imagePullSecrets: [{name: regcred}]"))));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-n", ns, "-f", cluster.WriteFile("pull-anonymous.yaml", Pod("anonymous", "imagePullSecrets: [{name: no-such-secret}]"))));

        var pulled = await cluster.UntilAsync("with-secret", ns, "{.status.phase}", v => v == "Running", seconds: 60);
        // ErrImagePull carries the registry's answer (ImagePullBackOff, which follows, only says it waits).
        var refused = await cluster.UntilAsync("anonymous", ns, "{.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}", v => v.StartsWith("ErrImagePull|", StringComparison.Ordinal), seconds: 60);
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "namespace", ns, "--wait=false"));

        // The pulled name is a second tag of the local image: untagging it leaves the image.
        DockerCluster.Docker("rmi", image);

        Assert.Equal("Running", pulled);
        Assert.True(registry.AuthorizedPulls > 0, "the registry never served a manifest to an authenticated client");
        Assert.Contains("no basic auth credentials", refused, StringComparison.Ordinal);
    }
}

using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>Graceful termination: the preStop hook runs before SIGTERM, within the grace period.</summary>
public sealed partial class DockerPodTests
{
    [Fact]
    public async Task DeletePod_RunsPreStopHookBeforeSigterm()
    {
        const string ns = "agent-prestop";
        var shared = Path.Combine(cluster.WorkDir, "prestop-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(shared);
        await CreateAsync(ns, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: hooked}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 10
              volumes:
              - name: out
                hostPath: {path: {{{shared}}}}
              containers:
              - name: app
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "trap 'echo term >> /out/order; exit 0' TERM; while true; do sleep 0.2; done"]
                volumeMounts: [{name: out, mountPath: /out}]
                lifecycle:
                  preStop:
                    exec: {command: ["sh", "-c", "echo prestop >> /out/order; sleep 1"]}
            """);
        await cluster.UntilAsync("hooked", ns, "{.status.phase}", v => v == "Running");

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "hooked", "-n", ns, "--timeout=30s"));

        Assert.Equal(["prestop", "term"], await File.ReadAllLinesAsync(Path.Combine(shared, "order")));
    }
}

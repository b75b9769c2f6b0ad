namespace Cluster.Node.Tests.Kubectl;

/// <summary>The PodSecurity admission plugin through kubectl: namespace labels, refused pods, and the warnings kubectl prints.</summary>
public sealed class KubectlPodSecurityTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private const string CompliantPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: ok, namespace: locked}
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: app
            image: nginx
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        """;

    private const string PrivilegedDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: locked}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: web, image: nginx, securityContext: {privileged: true}}
        """;

    private const string HostNetworkPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: net, namespace: watched}
        spec:
          hostNetwork: true
          containers:
          - {name: app, image: nginx}
        """;

    [Fact]
    public async Task EnforceRestricted_PrivilegedPodRefusedCompliantPodCreatedDeploymentWarned()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "locked"));
        KubectlAssert.StdOutLines(await cluster.RunAsync("label", "namespace", "locked", "pod-security.kubernetes.io/enforce=restricted"), "namespace/locked labeled");

        KubectlAssert.FailedWith(
            await cluster.RunAsync("run", "priv", "-n", "locked", "--image=nginx", "--privileged"),
            "Error from server (Forbidden): pods \"priv\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + "privileged (container \"priv\" must not set securityContext.privileged=true), "
            + "allowPrivilegeEscalation != false (container \"priv\" must set securityContext.allowPrivilegeEscalation=false)");

        var compliant = await cluster.RunAsync("apply", "-f", cluster.WriteFile("ok.yaml", CompliantPod));
        KubectlAssert.StdOutLines(compliant, "pod/ok created");
        Assert.True(compliant.StdErr.Length == 0, "A compliant pod was warned about:\n" + compliant);

        var deployment = await cluster.RunAsync("apply", "-f", cluster.WriteFile("web.yaml", PrivilegedDeployment));
        KubectlAssert.StdOutLines(deployment, "deployment.apps/web created");
        Assert.True(
            deployment.StdErr.Contains("Warning: would violate PodSecurity \"restricted:latest\": privileged (container \"web\" must not set securityContext.privileged=true)", StringComparison.Ordinal),
            "Expected the workload warning:\n" + deployment);
    }

    [Fact]
    public async Task WarnBaseline_HostNetworkPodCreatedWithAWarningThenEnforceWarnsAboutItAndRefusesItsNewImage()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "watched"));
        KubectlAssert.Succeeded(await cluster.RunAsync("label", "namespace", "watched", "pod-security.kubernetes.io/warn=baseline"));

        var created = await cluster.RunAsync("apply", "-f", cluster.WriteFile("net.yaml", HostNetworkPod));
        KubectlAssert.StdOutLines(created, "pod/net created");
        Assert.True(
            created.StdErr.Contains("Warning: would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork)", StringComparison.Ordinal),
            "Expected the pod warning:\n" + created);

        var enforced = await cluster.RunAsync("label", "namespace", "watched", "pod-security.kubernetes.io/enforce=baseline");
        KubectlAssert.StdOutLines(enforced, "namespace/watched labeled");
        Assert.True(
            enforced.StdErr.Contains("Warning: existing pods in namespace \"watched\" violate the new PodSecurity enforce level \"baseline:latest\"", StringComparison.Ordinal)
            && enforced.StdErr.Contains("Warning: net: host namespaces", StringComparison.Ordinal),
            "Expected the existing-pod warnings:\n" + enforced);

        // The pod stays; a change of its labels passes, a new image is checked against the new level.
        KubectlAssert.StdOutLines(await cluster.RunAsync("label", "pod", "net", "-n", "watched", "tier=edge"), "pod/net labeled");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("set", "image", "pod/net", "-n", "watched", "app=nginx:2"),
            "pods \"net\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork)");

        KubectlAssert.FailedWith(
            await cluster.RunAsync("label", "namespace", "watched", "pod-security.kubernetes.io/audit=loud"),
            "The Namespace \"watched\" is invalid: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"loud\": must be one of privileged, baseline, restricted");
    }
}

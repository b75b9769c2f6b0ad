using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>Quotas and LimitRanges driven by kubectl with the whole control plane: refusal beyond the quota, describe, defaults.</summary>
public sealed class ResourceQuotaKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    private const string Ns = "quotas";

    [Fact]
    public async Task CreateQuota_PodsBeyondItRefused_DescribeShowsUsedAndHard_LimitRangeDefaultsOnThePods()
    {
        await cluster.WaitForReadyNodesAsync();
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", Ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-n", Ns, "-f", cluster.WriteFile("limits.yaml",
            "---\n{apiVersion: v1, kind: LimitRange, metadata: {name: defaults}, spec: {limits: [{type: Container, defaultRequest: {cpu: 200m, memory: 256Mi}, default: {cpu: 500m, memory: 512Mi}, max: {cpu: '1'}}]}}")));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "quota", "compute", "-n", Ns, "--hard=pods=2,requests.cpu=1,requests.memory=1Gi"));
        await UntilAsync(() => cluster.JsonPathAsync("quota/compute", Ns, "{.status.used.pods}"), "0");

        KubectlAssert.Succeeded(await cluster.RunAsync("run", "first", "-n", Ns, "--image=simulated/app:1"));
        KubectlAssert.Succeeded(await cluster.RunAsync("run", "second", "-n", Ns, "--image=simulated/app:1"));
        KubectlAssert.FailedWith(
            await cluster.RunAsync("run", "third", "-n", Ns, "--image=simulated/app:1"),
            "Error from server (Forbidden): pods \"third\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("run", "greedy", "-n", Ns, "--image=simulated/app:1", "--overrides={\"spec\":{\"containers\":[{\"name\":\"greedy\",\"image\":\"simulated/app:1\",\"resources\":{\"limits\":{\"cpu\":\"2\"}}}]}}"),
            "Error from server (Forbidden): pods \"greedy\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");

        Assert.Equal("200m 256Mi 500m 512Mi", await cluster.JsonPathAsync("pod/first", Ns,
            "{.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.requests.memory} {.spec.containers[0].resources.limits.cpu} {.spec.containers[0].resources.limits.memory}"));
        Assert.Contains("LimitRanger plugin set: cpu, memory request for container first; cpu, memory limit for container first",
            await cluster.JsonPathAsync("pod/first", Ns, "{.metadata.annotations.kubernetes\\.io/limit-ranger}"), StringComparison.Ordinal);

        var described = KubectlAssert.Succeeded(await cluster.RunAsync("describe", "quota", "compute", "-n", Ns));
        KubectlAssert.HasLine(described, @"Resource\s+Used\s+Hard");
        KubectlAssert.HasLine(described, @"pods\s+2\s+2");
        KubectlAssert.HasLine(described, @"requests\.cpu\s+400m\s+1");
        KubectlAssert.HasLine(described, @"requests\.memory\s+512Mi\s+1Gi");

        // Room again once a pod goes: the controller recounts.
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "second", "-n", Ns, "--timeout=30s"));
        await UntilAsync(() => cluster.JsonPathAsync("quota/compute", Ns, "{.status.used.pods}"), "1");
        KubectlAssert.Succeeded(await cluster.RunAsync("run", "third", "-n", Ns, "--image=simulated/app:1"));
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "namespace", Ns, "--wait=false"));
    }

    private static async Task UntilAsync(Func<Task<string>> read, string expected)
    {
        var last = "";
        for (var i = 0; i < 150; i++)
        {
            last = await read();
            if (last == expected)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Equal(expected, last);
    }
}

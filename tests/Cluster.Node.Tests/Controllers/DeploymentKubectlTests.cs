using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>Deployments driven by kubectl on simulated nodes with the whole control plane: rollout, history, undo, scaling.</summary>
public sealed class DeploymentKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    private const string Ns = "rollouts";

    [Fact]
    public async Task Deployment_RolledToANewImageAndBack_RolloutStatusHistoryUndo_AndScaled()
    {
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", Ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "-n", Ns, "--image=simulated/web:1", "--replicas=3"));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s"));
        Assert.Equal(["simulated/web:1"], await RunningImagesAsync(3));

        KubectlAssert.Succeeded(await cluster.RunAsync("set", "image", "deployment/web", "-n", Ns, "web=simulated/web:2"));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s"));
        Assert.Equal(["simulated/web:2"], await RunningImagesAsync(3));
        var history = await cluster.OutputAsync("rollout", "history", "deployment/web", "-n", Ns);
        Assert.Contains("1 ", history, StringComparison.Ordinal);
        Assert.Contains("2 ", history, StringComparison.Ordinal);

        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "undo", "deployment/web", "-n", Ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s"));
        Assert.Equal(["simulated/web:1"], await RunningImagesAsync(3));
        // The rollback reused the first ReplicaSet (now revision 3) rather than making a third.
        var sets = (await cluster.OutputAsync("get", "rs", "-n", Ns, "-o", "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}:{.spec.replicas} {end}"))
            .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["2:0", "3:3"], sets);

        KubectlAssert.Succeeded(await cluster.RunAsync("scale", "deployment/web", "-n", Ns, "--replicas=5"));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s"));
        Assert.Equal(["simulated/web:1"], await RunningImagesAsync(5));
        Assert.Equal("5/5", KubectlTable.Parse(await cluster.OutputAsync("get", "deployment", "web", "-n", Ns)).Rows.Single()["READY"]);
    }

    /// <summary>The distinct images of the Running, not terminating, pods once there are exactly <paramref name="count"/> of them.</summary>
    private async Task<string[]> RunningImagesAsync(int count)
    {
        string[] running = [];
        for (var i = 0; i < 150; i++)
        {
            running = (await cluster.OutputAsync("get", "pods", "-n", Ns, "-o", "jsonpath={range .items[*]}{.status.phase}|{.metadata.deletionTimestamp}|{.spec.containers[0].image} {end}"))
                .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (running.Length == count && running.All(p => p.StartsWith("Running||", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(count, running.Count(p => p.StartsWith("Running||", StringComparison.Ordinal)));
        return [.. running.Select(p => p.Split('|')[2]).Distinct()];
    }
}

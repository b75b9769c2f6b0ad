namespace Cluster.Node.Tests.Kubectl;

/// <summary>The long-running commands: get -w, wait and delete, each run in the background while the test makes changes.</summary>
public sealed class KubectlWatchTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private const string RunningStatus = """{"status":{"phase":"Running"}}""";

    private static readonly TimeSpan Timeout = KubectlCluster.CallTimeout;

    [Fact]
    public async Task GetWatch_PodChangedAndDeleted_PrintsEventRows()
    {
        await cluster.ApplyShopAsync("watched");
        using var watch = cluster.StartBackground("get", "pods", "-n", "watched", "-w", "--output-watch-events");
        await watch.WaitForLineAsync(Cells("ADDED", "worker", "0/1", "Pending", "0"), Timeout);

        KubectlAssert.Succeeded(await cluster.RunAsync("patch", "pod", "worker", "-n", "watched", "--subresource=status", "--type=merge", "-p", RunningStatus));
        await watch.WaitForLineAsync(Cells("MODIFIED", "worker", "0/1", "Running", "0"), Timeout);
        KubectlAssert.StdOutLines(await cluster.RunAsync("delete", "pod", "worker", "-n", "watched"), "pod \"worker\" deleted");
        await watch.WaitForLineAsync(Cells("DELETED", "worker"), Timeout);

        var rows = watch.StdOutLines.Select(Split).ToList();
        Assert.Equal(["EVENT", "NAME", "READY", "STATUS", "RESTARTS", "AGE"], rows[0]);
        Assert.Equal(
            ["ADDED Pending", "MODIFIED Running", "DELETED Running"],
            rows.Skip(1).Select(r => r[0] + " " + r[3]));
    }

    [Fact]
    public async Task GetWatch_DeploymentScaled_PrintsRowWithNewReplicas()
    {
        await cluster.ApplyShopAsync("scaled");
        using var watch = cluster.StartBackground("get", "deployment", "web", "-n", "scaled", "-w");
        await watch.WaitForLineAsync(Cells("web", "0/2", "0", "0"), Timeout);

        KubectlAssert.Succeeded(await cluster.RunAsync("scale", "deployment", "web", "-n", "scaled", "--replicas=4"));
        await watch.WaitForLineAsync(Cells("web", "0/4", "0", "0"), Timeout);

        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], Split(watch.StdOutLines[0]));
        Assert.False(watch.HasExited, "get -w ended although the watch should stay open:\n" + string.Join('\n', watch.StdOutLines));
    }

    [Fact]
    public async Task Wait_ForJsonPath_ReturnsOnceStatusMatches()
    {
        await cluster.ApplyShopAsync("waiting");
        const string Condition = "--for=jsonpath={.status.phase}=Running";
        KubectlAssert.FailedWith(
            await cluster.RunAsync("wait", "pod/worker", "-n", "waiting", Condition, "--timeout=1s"),
            "error: timed out waiting for the condition on pods/worker");

        using var wait = cluster.StartBackground("wait", "pod/worker", "-n", "waiting", Condition, "--timeout=60s");
        KubectlAssert.Succeeded(await cluster.RunAsync("patch", "pod", "worker", "-n", "waiting", "--subresource=status", "--type=merge", "-p", RunningStatus));

        var result = await wait.WaitForExitAsync(Timeout);
        KubectlAssert.StdOutLines(result, "pod/worker condition met");
        Assert.Equal("Running", await cluster.JsonPathAsync("pod/worker", "waiting", "{.status.phase}"));
    }

    [Fact]
    public async Task Delete_ObjectHeldByFinalizer_WaitsUntilGone()
    {
        var manifest = Manifests.Namespace("deleting") + "\n---\n" + Manifests.FinalizedConfigMap("deleting", "held") + "\n---\n"
            + Manifests.ConfigMap("deleting", "plain", "key", "value");
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("deleting.yaml", manifest)));
        KubectlAssert.StdOutLines(await cluster.RunAsync("delete", "configmap", "plain", "-n", "deleting"), "configmap \"plain\" deleted");
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "configmap", "plain", "-n", "deleting"), "Error from server (NotFound): configmaps \"plain\" not found");

        using var delete = cluster.StartBackground("delete", "configmap", "held", "-n", "deleting");
        await delete.WaitForLineAsync(line => line == "configmap \"held\" deleted", Timeout);
        var terminating = await cluster.JsonPathAsync("configmap/held", "deleting", "{.metadata.finalizers} {.metadata.deletionTimestamp}");
        Assert.Matches("^\\[\"example.com/hold\"\\] [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$", terminating);
        Assert.False(delete.HasExited, "kubectl delete returned while the object was still terminating:\n" + string.Join('\n', delete.StdOutLines));

        KubectlAssert.Succeeded(await cluster.RunAsync(
            "patch", "configmap", "held", "-n", "deleting", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]"""));
        var deleted = await delete.WaitForExitAsync(Timeout);
        Assert.True(deleted.ExitCode == 0 && deleted.StdErr.Length == 0, deleted.ToString());
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "configmap", "held", "-n", "deleting"), "Error from server (NotFound): configmaps \"held\" not found");
    }

    private static string[] Split(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A watch row whose leading cells are exactly these.</summary>
    private static Func<string, bool> Cells(params string[] leading) => line => Split(line).Take(leading.Length).SequenceEqual(leading);
}

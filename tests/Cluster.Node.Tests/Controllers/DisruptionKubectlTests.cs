using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// Preemption and PodDisruptionBudgets driven by kubectl on simulated nodes (4 cpu each) with the whole control plane:
/// a high-priority pod evicts a low-priority one; drain evicts within a budget and keeps retrying when it would not.
/// </summary>
public sealed class DisruptionKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    [Fact]
    public async Task HighPriorityPod_NodesFullOfLowPriorityPods_OneVictimPreempted_AndItRuns()
    {
        const string ns = "preempt";
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("classes.yaml",
            "---\n{apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: low}, value: 10}\n---\n{apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 1000000}\n")));
        var filler = string.Concat(Enumerable.Range(1, SchedulerKubectlTests.Cluster.Nodes).Select(i =>
            $"---\n{{apiVersion: v1, kind: Pod, metadata: {{name: filler{i}, namespace: {ns}, labels: {{set: filler}}}}, spec: {{priorityClassName: low, terminationGracePeriodSeconds: 1, containers: [{{name: app, image: simulated, resources: {{requests: {{cpu: '3'}}}}}}]}}}}\n"));
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("filler.yaml", filler)));
        await UntilAsync(async () => (await PhasesAsync(ns, "set=filler")).Count(p => p == "Running") == SchedulerKubectlTests.Cluster.Nodes, "every node holds a low-priority pod");

        try
        {
            KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("urgent.yaml",
                $"---\n{{apiVersion: v1, kind: Pod, metadata: {{name: urgent, namespace: {ns}}}, spec: {{priorityClassName: high, containers: [{{name: app, image: simulated, resources: {{requests: {{cpu: '2'}}}}}}]}}}}\n")));

            await UntilAsync(async () => await cluster.JsonPathAsync("pod/urgent", ns, "{.status.phase}") == "Running", "the high-priority pod runs");
            var node = await cluster.JsonPathAsync("pod/urgent", ns, "{.spec.nodeName}");
            var uid = await cluster.JsonPathAsync("pod/urgent", ns, "{.metadata.uid}");
            await UntilAsync(async () => (await PhasesAsync(ns, "set=filler")).Length == SchedulerKubectlTests.Cluster.Nodes - 1, "exactly one low-priority pod is gone");
            var events = await cluster.OutputAsync("get", "events", "-n", ns, "--field-selector", "reason=Preempted", "-o", "jsonpath={.items[*].message}");
            Assert.Equal($"Preempted by pod {uid} on node {node}", events.Trim());
            var describe = await cluster.OutputAsync("get", "events", "-n", ns);
            Assert.Contains("Preempted", describe, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.RunAsync("delete", "pods", "--all", "-n", ns, "--timeout=30s");
        }
    }

    [Fact]
    public async Task Drain_DeploymentWithBudget_EvictsWithinIt_PodsMoveAway_ThenBlockedDrainRetries()
    {
        const string ns = "drain";
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "-n", ns, "--image=simulated/web:1", "--replicas=3"));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=25s"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "poddisruptionbudget", "web", "-n", ns, "--selector=app=web", "--min-available=2"));
        await UntilAsync(async () => await cluster.JsonPathAsync("pdb/web", ns, "{.status.expectedPods}/{.status.currentHealthy}/{.status.desiredHealthy}/{.status.disruptionsAllowed}") == "3/3/2/1", "the budget allows one disruption");
        Assert.Equal("True SufficientPods", await cluster.JsonPathAsync("pdb/web", ns, "{.status.conditions[?(@.type==\"DisruptionAllowed\")].status} {.status.conditions[?(@.type==\"DisruptionAllowed\")].reason}"));

        var drained = (await NodesOfAsync(ns)).First();
        var drain = await cluster.RunAsync("drain", drained, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=25s");
        KubectlAssert.Succeeded(drain);
        Assert.Contains("evicted", drain.AllOutput, StringComparison.Ordinal);
        Assert.Contains("drained", drain.AllOutput, StringComparison.Ordinal);
        Assert.Equal("true", await cluster.JsonPathAsync("node/" + drained, "", "{.spec.unschedulable}"));
        // The Deployment made up for the evicted pods elsewhere.
        await UntilAsync(async () => (await NodesOfAsync(ns)).Length == 3 && !(await NodesOfAsync(ns)).Contains(drained), "three web pods running off the drained node");
        await UntilAsync(async () => await cluster.JsonPathAsync("pdb/web", ns, "{.status.disruptionsAllowed}") == "1", "the budget recovers");

        KubectlAssert.Succeeded(await cluster.RunAsync("uncordon", drained));
        Assert.Equal("", await cluster.JsonPathAsync("node/" + drained, "", "{.spec.unschedulable}"));

        // Now every pod is needed: a drain can only keep asking.
        KubectlAssert.Succeeded(await cluster.RunAsync("patch", "pdb", "web", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"minAvailable\":3}}"));
        await UntilAsync(async () => await cluster.JsonPathAsync("pdb/web", ns, "{.status.observedGeneration}/{.status.disruptionsAllowed}") == "2/0", "the budget allows nothing");
        var blockedNode = (await NodesOfAsync(ns)).First();
        var blocked = await cluster.RunAsync("drain", blockedNode, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=8s");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget", blocked.AllOutput, StringComparison.Ordinal);
        Assert.Equal(3, (await NodesOfAsync(ns)).Length);
        KubectlAssert.Succeeded(await cluster.RunAsync("uncordon", blockedNode));
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "namespace", ns, "--timeout=30s"));
    }

    private async Task<string[]> PhasesAsync(string ns, string selector) =>
        (await cluster.OutputAsync("get", "pods", "-n", ns, "-l", selector, "-o", "jsonpath={range .items[*]}{.status.phase} {end}")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The nodes of the Running, not terminating, web pods.</summary>
    private async Task<string[]> NodesOfAsync(string ns) =>
        [.. (await cluster.OutputAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={range .items[*]}{.status.phase}|{.metadata.deletionTimestamp}|{.spec.nodeName} {end}"))
            .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(p => p.StartsWith("Running||", StringComparison.Ordinal)).Select(p => p.Split('|')[2])];

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("never: " + what);
    }
}

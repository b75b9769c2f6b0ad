using System.Globalization;
using Cluster.Node.Tests.Kubectl;
using k8s;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>DaemonSets and StatefulSets driven by kubectl on simulated nodes with the whole control plane and the scheduler.</summary>
public sealed class SetsKubectlTests(SetsKubectlTests.Cluster cluster) : IClassFixture<SetsKubectlTests.Cluster>
{
    public sealed class Cluster : KubectlCluster
    {
        public const int Nodes = 3;

        protected override bool Schedules => true;

        protected override string Controllers => "*";

        protected override string[] NodeArguments => ["--node:name=sets", "--runtime", "simulated", "--simulated-nodes", Nodes.ToString(CultureInfo.InvariantCulture), "--agent:simulated-start-delay=10ms"];

        public async Task WaitForReadyNodesAsync()
        {
            for (var i = 0; i < 200; i++)
            {
                if (KubectlTable.Parse(await OutputAsync("get", "nodes")).Rows.Count(r => r["STATUS"] == "Ready") == Nodes)
                {
                    return;
                }

                await Task.Delay(100);
            }

            Assert.Fail("the simulated nodes did not get Ready");
        }
    }

    [Fact]
    public async Task DaemonSet_RunningOnEveryNode_NotOnATaintedOneUntilTolerated_RolloutStatusAndHistory()
    {
        await cluster.WaitForReadyNodesAsync();
        const string ns = "daemons";
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("taint", "nodes", "sets-sim-3", "dedicated=db:NoSchedule"));
        try
        {
            KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-n", ns, "-f", cluster.WriteFile("agent.yaml",
                "---\n{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: agent}, spec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent, image: simulated/agent:1}]}}}}")));
            KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s"));
            Assert.Equal(["Running@sets-sim-1", "Running@sets-sim-2"], await PlacedAsync(ns, "app=agent", 2));

            // Tolerated, the tainted node gets its pod too.
            KubectlAssert.Succeeded(await cluster.RunAsync("patch", "daemonset/agent", "-n", ns, "--type=merge", "-p",
                """{"spec":{"template":{"spec":{"tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}}}}"""));
            KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s"));
            Assert.Equal(["Running@sets-sim-1", "Running@sets-sim-2", "Running@sets-sim-3"], await PlacedAsync(ns, "app=agent", 3));

            KubectlAssert.Succeeded(await cluster.RunAsync("set", "image", "daemonset/agent", "-n", ns, "agent=simulated/agent:2"));
            KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s"));
            var history = await cluster.OutputAsync("rollout", "history", "daemonset/agent", "-n", ns);
            Assert.Equal(["1", "2", "3"], KubectlTable.Parse(history[history.IndexOf("REVISION", StringComparison.Ordinal)..]).Rows.Select(r => r["REVISION"]));

            KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "undo", "daemonset/agent", "-n", ns));
            KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s"));
            Assert.Equal("simulated/agent:1", await cluster.JsonPathAsync("daemonset/agent", ns, "{.spec.template.spec.containers[0].image}"));
            Assert.Equal("3 3 3 3", await cluster.JsonPathAsync("daemonset/agent", ns, "{.status.desiredNumberScheduled} {.status.currentNumberScheduled} {.status.updatedNumberScheduled} {.status.numberAvailable}"));
        }
        finally
        {
            await cluster.RunAsync("taint", "nodes", "sets-sim-3", "dedicated-");
            await cluster.RunAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    [Fact]
    public async Task StatefulSet_StartsInOrderWithClaims_RollsWithRolloutStatus_ScalesDownInReverse()
    {
        await cluster.WaitForReadyNodesAsync();
        const string ns = "stateful";
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-n", ns, "-f", cluster.WriteFile("web.yaml",
            "---\n{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: web}, spec: {replicas: 3, serviceName: web, selector: {matchLabels: {app: web}}, " +
            "template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: simulated/web:1, volumeMounts: [{name: data, mountPath: /data}]}]}}, " +
            "volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}}]}}")));

        // The claims are provisioned and bound by the default class's local provisioner; no pod is made before the one
        // below it is Running and Ready.
        var client = cluster.Client();
        var ordered = true;
        for (var i = 0; i < 300; i++)
        {
            var pods = (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=web")).Items.ToDictionary(p => p.Metadata.Name);
            for (var o = 1; o < 3; o++)
            {
                ordered &= !pods.ContainsKey("web-" + o) || pods["web-" + (o - 1)].Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            }

            if (pods.Count == 3 && pods.Values.All(p => p.Status?.Phase == "Running"))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(ordered, "a pod was made before the one below it was ready");
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "statefulset/web", "-n", ns, "--timeout=60s"));
        Assert.Equal("data-web-0 data-web-1 data-web-2", (await cluster.OutputAsync("get", "pvc", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")).Trim());
        Assert.Equal("Bound Bound Bound", (await cluster.OutputAsync("get", "pvc", "-n", ns, "-o", "jsonpath={.items[*].status.phase}")).Trim());
        Assert.Equal("data-web-1", await cluster.JsonPathAsync("pod/web-1", ns, "{.spec.volumes[?(@.name==\"data\")].persistentVolumeClaim.claimName}"));
        Assert.Equal("web-1 web", await cluster.JsonPathAsync("pod/web-1", ns, "{.spec.hostname} {.spec.subdomain}"));

        KubectlAssert.Succeeded(await cluster.RunAsync("set", "image", "statefulset/web", "-n", ns, "web=simulated/web:2"));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "statefulset/web", "-n", ns, "--timeout=90s"));
        Assert.Equal("simulated/web:2 simulated/web:2 simulated/web:2", (await cluster.OutputAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}")).Trim());
        var history = await cluster.OutputAsync("rollout", "history", "statefulset/web", "-n", ns);
        Assert.Equal(["1", "2"], KubectlTable.Parse(history[history.IndexOf("REVISION", StringComparison.Ordinal)..]).Rows.Select(r => r["REVISION"]));

        KubectlAssert.Succeeded(await cluster.RunAsync("scale", "statefulset/web", "-n", ns, "--replicas=1"));
        var reversed = true;
        for (var i = 0; i < 300; i++)
        {
            var names = (await cluster.OutputAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            reversed &= names.Contains("web-1") || !names.Contains("web-2");
            if (names is ["web-0"])
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(reversed, "web-1 went before web-2");
        Assert.Equal("web-0", (await cluster.OutputAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}")).Trim());
        Assert.Equal("1 1", await cluster.JsonPathAsync("statefulset/web", ns, "{.status.replicas} {.status.readyReplicas}"));
        await cluster.RunAsync("delete", "namespace", ns, "--wait=false");
    }

    [Fact]
    public async Task StatefulSet_WhenScaledDelete_ScaledDownPodsClaimGoesTheOthersStayAfterTheSet()
    {
        await cluster.WaitForReadyNodesAsync();
        const string ns = "retention";
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-n", ns, "-f", cluster.WriteFile("db.yaml",
            "---\n{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: db}, spec: {replicas: 2, serviceName: db, podManagementPolicy: Parallel, selector: {matchLabels: {app: db}}, " +
            "persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}, " +
            "template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: simulated/db:1, volumeMounts: [{name: data, mountPath: /data}]}]}}, " +
            "volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}}]}}")));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "statefulset/db", "-n", ns, "--timeout=90s"));
        Assert.Equal("data-db-0 data-db-1", (await cluster.OutputAsync("get", "pvc", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")).Trim());

        KubectlAssert.Succeeded(await cluster.RunAsync("scale", "statefulset/db", "-n", ns, "--replicas=1"));
        var claims = "";
        for (var i = 0; i < 300 && claims != "data-db-0"; i++)
        {
            claims = (await cluster.OutputAsync("get", "pvc", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")).Trim();
            await Task.Delay(100);
        }

        // The scaled-down pod owned its claim, so the claim went with it; whenDeleted Retain keeps the rest after the set.
        Assert.Equal("data-db-0", claims);
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "statefulset", "db", "-n", ns, "--timeout=60s"));
        for (var i = 0; i < 100 && (await cluster.OutputAsync("get", "pods", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")).Trim().Length > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("data-db-0", (await cluster.OutputAsync("get", "pvc", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")).Trim());
        await cluster.RunAsync("delete", "namespace", ns, "--wait=false");
    }

    /// <summary>Phase@node of the pods, sorted, once there are <paramref name="count"/> Running ones.</summary>
    private async Task<string[]> PlacedAsync(string ns, string selector, int count)
    {
        var placed = Array.Empty<string>();
        for (var i = 0; i < 150; i++)
        {
            placed = [.. (await cluster.OutputAsync("get", "pods", "-n", ns, "-l", selector, "-o", "jsonpath={range .items[*]}{.status.phase}@{.spec.nodeName} {end}"))
                .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
            if (placed.Length == count && placed.All(p => p.StartsWith("Running@", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(100);
        }

        return placed;
    }
}

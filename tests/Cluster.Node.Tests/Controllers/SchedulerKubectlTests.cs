using System.Text;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The hosted scheduler on simulated nodes, driven by kubectl: pending pods bound and run, unschedulable ones told why and retried.</summary>
public sealed class SchedulerKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    public sealed class Cluster : KubectlCluster
    {
        public const int Nodes = 3;

        protected override bool Schedules => true;

        protected override string Controllers => "*";

        protected override string[] NodeArguments => ["--node:name=sch", "--runtime", "simulated", "--simulated-nodes", Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--agent:simulated-start-delay=10ms"];

        public async Task WaitForReadyNodesAsync()
        {
            for (var i = 0; i < 200; i++)
            {
                var nodes = KubectlTable.Parse(await OutputAsync("get", "nodes"));
                if (nodes.Rows.Count(r => r["STATUS"] == "Ready") == Nodes)
                {
                    return;
                }

                await Task.Delay(100);
            }

            Assert.Fail("the simulated nodes did not get Ready");
        }
    }

    [Fact]
    public async Task PendingPods_NoNodeNamed_BoundEvenlyAndRunning()
    {
        await cluster.WaitForReadyNodesAsync();
        var manifest = new StringBuilder();
        for (var i = 1; i <= 9; i++)
        {
            manifest.Append(System.Globalization.CultureInfo.InvariantCulture, $"---\n{{apiVersion: v1, kind: Pod, metadata: {{name: even{i}, namespace: default, labels: {{set: even}}}}, spec: {{containers: [{{name: app, image: simulated, resources: {{requests: {{cpu: 100m}}}}}}]}}}}\n");
        }

        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("even.yaml", manifest.ToString())));

        var placed = Array.Empty<string>();
        for (var i = 0; i < 150; i++)
        {
            placed = (await cluster.RunAsync("get", "pods", "-l", "set=even", "-o", "jsonpath={range .items[*]}{.status.phase}@{.spec.nodeName} {end}")).StdOut.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (placed.Length == 9 && placed.All(p => p.StartsWith("Running@", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.All(placed, p => Assert.StartsWith("Running@sch-sim-", p, StringComparison.Ordinal));
        // Least-allocated scoring: each new pod goes to the emptiest node.
        Assert.Equal([3, 3, 3], placed.GroupBy(p => p).Select(g => g.Count()));
        Assert.Equal("True", await cluster.JsonPathAsync("pod/even1", "default", "{.status.conditions[?(@.type==\"PodScheduled\")].status}"));
        var events = await cluster.OutputAsync("get", "events", "--field-selector", "involvedObject.name=even1,reason=Scheduled", "-o", "jsonpath={.items[*].message}");
        Assert.StartsWith("Successfully assigned default/even1 to sch-sim-", events, StringComparison.Ordinal);
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pods", "-l", "set=even", "--timeout=30s"));
    }

    [Fact]
    public async Task PodTooBigForEveryNode_PendingWithTheReasonPerNode_InConditionAndEvent()
    {
        await cluster.WaitForReadyNodesAsync();
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("huge.yaml",
            "---\n{apiVersion: v1, kind: Pod, metadata: {name: huge, namespace: default}, spec: {containers: [{name: app, image: simulated, resources: {requests: {cpu: '1000', memory: 1Mi}}}]}}")));

        var message = "";
        for (var i = 0; i < 100 && message.Length == 0; i++)
        {
            message = await cluster.JsonPathAsync("pod/huge", "default", "{.status.conditions[?(@.reason==\"Unschedulable\")].message}");
            await Task.Delay(100);
        }

        Assert.StartsWith("0/3 nodes are available: 3 Insufficient cpu.", message, StringComparison.Ordinal);
        Assert.Equal("Pending", await cluster.JsonPathAsync("pod/huge", "default", "{.status.phase}"));
        var describe = await cluster.OutputAsync("describe", "pod", "huge");
        Assert.Contains("FailedScheduling", describe, StringComparison.Ordinal);
        Assert.Contains("0/3 nodes are available: 3 Insufficient cpu.", describe, StringComparison.Ordinal);
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "huge", "--timeout=30s"));
    }

    [Fact]
    public async Task EveryNodeCordoned_PodWaits_ThenUncordonedNodeGetsIt()
    {
        await cluster.WaitForReadyNodesAsync();
        var nodes = Enumerable.Range(1, Cluster.Nodes).Select(i => "sch-sim-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        try
        {
            KubectlAssert.Succeeded(await cluster.RunAsync(["cordon", .. nodes]));
            KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("waits.yaml",
                "---\n{apiVersion: v1, kind: Pod, metadata: {name: waits, namespace: default}, spec: {containers: [{name: app, image: simulated}]}}")));
            var message = "";
            for (var i = 0; i < 100 && message.Length == 0; i++)
            {
                message = await cluster.JsonPathAsync("pod/waits", "default", "{.status.conditions[?(@.reason==\"Unschedulable\")].message}");
                await Task.Delay(100);
            }

            Assert.StartsWith("0/3 nodes are available: 3 node(s) were unschedulable.", message, StringComparison.Ordinal);

            KubectlAssert.Succeeded(await cluster.RunAsync("uncordon", "sch-sim-2"));
            var state = "";
            for (var i = 0; i < 150 && state != "Running sch-sim-2"; i++)
            {
                state = await cluster.JsonPathAsync("pod/waits", "default", "{.status.phase} {.spec.nodeName}");
                await Task.Delay(100);
            }

            Assert.Equal("Running sch-sim-2", state);
        }
        finally
        {
            await cluster.RunAsync(["uncordon", .. nodes]);
            await cluster.RunAsync("delete", "pod", "waits", "--ignore-not-found", "--timeout=30s");
        }
    }

    [Fact]
    public async Task PodsSharingAClaimOnALocalVolume_AllScheduledOnTheVolumesNode()
    {
        await cluster.WaitForReadyNodesAsync();
        var manifest = new StringBuilder(
            "---\n{apiVersion: v1, kind: PersistentVolume, metadata: {name: local-3}, spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: manual, " +
            "hostPath: {path: /srv/local-3}, nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [sch-sim-3]}]}]}}}}\n" +
            "---\n{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: pinned, namespace: default}, spec: {storageClassName: manual, volumeName: local-3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}\n");
        for (var i = 1; i <= 3; i++)
        {
            manifest.Append(System.Globalization.CultureInfo.InvariantCulture, $"---\n{{apiVersion: v1, kind: Pod, metadata: {{name: pinned{i}, namespace: default, labels: {{set: pinned}}}}, spec: {{containers: [{{name: app, image: simulated}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: pinned}}}}]}}}}\n");
        }

        try
        {
            KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("pinned.yaml", manifest.ToString())));
            var placed = "";
            for (var i = 0; i < 150 && placed != "sch-sim-3 sch-sim-3 sch-sim-3"; i++)
            {
                placed = (await cluster.JsonPathAsync("pods", "default", "{.items[?(@.metadata.labels.set==\"pinned\")].spec.nodeName}")).Trim();
                await Task.Delay(100);
            }

            // Least-allocated scoring alone would spread them over the three nodes; the volume's node affinity decides.
            Assert.Equal("sch-sim-3 sch-sim-3 sch-sim-3", placed);
        }
        finally
        {
            await cluster.RunAsync("delete", "pods", "-l", "set=pinned", "--ignore-not-found", "--timeout=30s");
            await cluster.RunAsync("delete", "pvc", "pinned", "--ignore-not-found", "--timeout=30s");
            await cluster.RunAsync("delete", "pv", "local-3", "--ignore-not-found", "--timeout=30s");
        }
    }
}

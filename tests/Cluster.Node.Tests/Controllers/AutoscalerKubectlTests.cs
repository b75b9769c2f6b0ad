using System.Text.RegularExpressions;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The horizontal pod autoscaler driven by kubectl on simulated nodes with the whole control plane: a Deployment whose
/// simulated containers use 80% of their CPU request (the simulated runtime's cpu-usage annotation) is autoscaled
/// toward 50% and grows.
/// </summary>
public sealed partial class AutoscalerKubectlTests(AutoscalerKubectlTests.Cluster cluster) : IClassFixture<AutoscalerKubectlTests.Cluster>
{
    private const string Ns = "autoscaled";

    public sealed class Cluster : KubectlCluster
    {
        protected override bool Schedules => true;

        protected override string Controllers => "*";

        // Three nodes, so the pods spread and every simulated node's usage must be measured; metrics and syncs every second.
        protected override string[] NodeArguments =>
        [
            "--node:name=hpa", "--runtime", "simulated", "--simulated-nodes", "3", "--agent:simulated-start-delay=10ms",
            "--agent:metrics-interval=1s", "--controllers:horizontal-pod-autoscaler-sync-period=1s",
        ];
    }

    [Fact]
    public async Task Autoscale_CpuAboveTarget_ReplicasGrowToMax_GetHpaShowsTargets()
    {
        await cluster.RunAsync("create", "namespace", Ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("web.yaml", $$$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{{{Ns}}}}}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata:
                  labels: {app: web}
                  annotations: {simulated.cluster.io/cpu-usage: 80m}
                spec:
                  containers: [{name: web, image: simulated/web:1, resources: {requests: {cpu: 100m}}}]
            """)));
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s"));

        KubectlAssert.Succeeded(await cluster.RunAsync("autoscale", "deployment", "web", "-n", Ns, "--cpu-percent=50", "--min=1", "--max=5"));

        // 80% against 50% proposes ceil(n × 1.6) each sync, capped at 5.
        IReadOnlyDictionary<string, string> row = new Dictionary<string, string>();
        for (var i = 0; i < 600 && !(row.GetValueOrDefault("REPLICAS") == "5" && Targets().IsMatch(row["TARGETS"])); i++)
        {
            await Task.Delay(100);
            row = KubectlTable.Parse(await cluster.OutputAsync("get", "hpa", "web", "-n", Ns)).Rows.Single();
        }

        Assert.Equal("5", row["REPLICAS"]);
        Assert.Matches(Targets(), row["TARGETS"]);
        Assert.Equal(("Deployment/web", "1", "5"), (row["REFERENCE"], row["MINPODS"], row["MAXPODS"]));
        Assert.Equal("5", await cluster.JsonPathAsync("deployment/web", Ns, "{.spec.replicas}"));
        var rescales = await cluster.OutputAsync("get", "events", "-n", Ns, "--field-selector", "reason=SuccessfulRescale", "-o", "jsonpath={.items[*].message}");
        Assert.Contains("reason: cpu resource utilization (percentage of request) above target", rescales, StringComparison.Ordinal);
        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s"));
    }

    /// <summary>The measured usage is 80m of a 100m request, give or take the sampler's timing (a millicore rounded up).</summary>
    [GeneratedRegex("^cpu: (79|80|81)%/50%$")]
    private static partial Regex Targets();
}

using System.Text;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>One process hosting many simulated nodes (the simulated runtime): nodes register Ready, bound pods run, finish and go.</summary>
public sealed class SimulatedNodeTests(SimulatedNodeTests.Cluster cluster) : IClassFixture<SimulatedNodeTests.Cluster>
{
    public sealed class Cluster : KubectlCluster
    {
        public const int Nodes = 10;

        protected override bool Schedules => true;

        protected override string Controllers => "*";

        protected override string[] NodeArguments => ["--node:name=kw", "--runtime", "simulated", "--simulated-nodes", Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--agent:simulated-start-delay=10ms"];
    }

    [Fact]
    public async Task TenSimulatedNodes_FiftyBoundPods_AllRunningOnTheirNodes()
    {
        IReadOnlyList<string> ready = [];
        for (var i = 0; i < 100 && ready.Count < Cluster.Nodes; i++)
        {
            var nodes = KubectlTable.Parse(await cluster.OutputAsync("get", "nodes"));
            ready = [.. nodes.Rows.Where(r => r["STATUS"] == "Ready").Select(r => r["NAME"]).Order(StringComparer.Ordinal)];
            await Task.Delay(100);
        }

        Assert.Equal(Enumerable.Range(1, Cluster.Nodes).Select(i => "kw-sim-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), ready);
        var manifest = new StringBuilder();
        for (var i = 1; i <= 50; i++)
        {
            manifest.Append(System.Globalization.CultureInfo.InvariantCulture, $"---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}, namespace: default}}, spec: {{nodeName: kw-sim-{(i % Cluster.Nodes) + 1}, containers: [{{name: app, image: simulated}}]}}}}\n");
        }

        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("pods.yaml", manifest.ToString())));

        var phases = "";
        for (var i = 0; i < 100; i++)
        {
            phases = (await cluster.RunAsync("get", "pods", "-o", "jsonpath={range .items[*]}{.status.phase} {end}")).StdOut;
            if (phases.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(p => p == "Running") == 50)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(50, phases.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(p => p == "Running"));
        Assert.Equal("kw-sim-8 10.", (await cluster.JsonPathAsync("pod/p7", "default", "{.spec.nodeName} {.status.podIP}"))[..12]);
        KubectlAssert.StdOutLines(await cluster.RunAsync("logs", "p7"), "simulated container app of pod default/p7");
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "p7", "--timeout=20s"));
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "pod", "p7"), "NotFound");
    }

    [Fact]
    public async Task SimulatedContainerExitingWithACode_NeverRestarted_PodFailed()
    {
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: quits, namespace: default}
            spec:
              nodeName: kw-sim-3
              restartPolicy: Never
              containers: [{name: app, image: simulated, command: [sh, -c, exit 3]}]
            """;
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("quits.yaml", pod)));

        var state = "";
        for (var i = 0; i < 100 && !state.StartsWith("Failed", StringComparison.Ordinal); i++)
        {
            state = await cluster.JsonPathAsync("pod/quits", "default", "{.status.phase} {.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].state.terminated.reason}");
            await Task.Delay(100);
        }

        Assert.Equal("Failed 3 Error", state);
    }

    [Fact]
    public async Task ServiceSelectingRunningPods_EndpointsControllerListsThem_AndRemovesThemWithTheService()
    {
        var manifest = """
            apiVersion: v1
            kind: Service
            metadata: {name: ep, namespace: default}
            spec:
              selector: {app: ep}
              ports: [{name: http, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ep-1, namespace: default, labels: {app: ep}}
            spec: {nodeName: kw-sim-1, containers: [{name: app, image: simulated, ports: [{name: http, containerPort: 8080}]}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ep-2, namespace: default, labels: {app: ep}}
            spec: {nodeName: kw-sim-2, containers: [{name: app, image: simulated, ports: [{name: http, containerPort: 8080}]}]}
            """;
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("ep.yaml", manifest)));

        var podIps = "";
        var endpoints = "";
        for (var i = 0; i < 150; i++)
        {
            podIps = await cluster.JsonPathAsync("pods", "default", "{range .items[?(@.metadata.labels.app==\"ep\")]}{.status.podIP} {end}");
            endpoints = (await cluster.RunAsync("get", "endpoints", "ep", "-o", "jsonpath={range .subsets[*].addresses[*]}{.ip} {end}{.subsets[*].ports[*].port}")).StdOut.Trim();
            if (podIps.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 2
                && endpoints == string.Join(' ', podIps.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)) + " 8080")
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(string.Join(' ', podIps.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)) + " 8080", endpoints);

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "service", "ep"));
        var gone = false;
        for (var i = 0; i < 100 && !gone; i++)
        {
            gone = (await cluster.RunAsync("get", "endpoints", "ep")).StdErr.Contains("NotFound", StringComparison.Ordinal);
            await Task.Delay(100);
        }

        Assert.True(gone, "the Endpoints outlived their Service");
    }

    [Fact]
    public async Task ReplicaSet_Hosted_CreatesItsPodsWithEvents_AndScalesDown()
    {
        var manifest = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: replicas}
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web, namespace: replicas}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: simulated}]}}
            """;
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("rs.yaml", manifest)));

        var owners = await UntilAsync("pods", "{range .items[*]}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {end}", "ReplicaSet/web ReplicaSet/web");
        Assert.Equal("ReplicaSet/web ReplicaSet/web", owners);
        Assert.Equal("2", await UntilAsync("rs/web", "{.status.replicas}", "2"));
        var events = await UntilAsync("events", "{range .items[?(@.reason==\"SuccessfulCreate\")]}{.source.component} {end}", "replicaset-controller replicaset-controller");
        Assert.Equal("replicaset-controller replicaset-controller", events);

        KubectlAssert.Succeeded(await cluster.RunAsync("scale", "rs", "web", "-n", "replicas", "--replicas=1"));
        Assert.Equal("1 2", await UntilAsync("rs/web", "{.status.replicas} {.status.observedGeneration}", "1 2"));
        Assert.Equal("ReplicaSet/web", await UntilAsync("pods", "{range .items[*]}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {end}", "ReplicaSet/web"));
    }

    [Fact]
    public async Task GarbageCollector_DeploymentDeleted_ItsSetsAndPodsGo_SetDeletedAsOrphan_PodsRunOwnerless()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "gc"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "--image=simulated", "--replicas=2", "-n", "gc"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "api", "--image=simulated", "--replicas=2", "-n", "gc"));
        const string Phases = "{range .items[*]}{.metadata.labels.app}:{.status.phase} {end}";
        Assert.Equal("api:Running api:Running web:Running web:Running", await UntilAsync("pods", Phases, "api:Running api:Running web:Running web:Running", Sorted, "gc"));

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "deployment", "web", "-n", "gc"));
        Assert.Equal("api api", await UntilAsync("pods", "{range .items[*]}{.metadata.labels.app} {end}", "api api", Sorted, "gc"));
        Assert.Equal("api", await UntilAsync("rs", "{range .items[*]}{.metadata.labels.app} {end}", "api", Sorted, "gc"));

        // The Deployment goes first as an orphan: with it still there, its controller would make a new set to adopt the pods.
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "deployment", "api", "-n", "gc", "--cascade=orphan"));
        Assert.Equal("", await UntilAsync("rs", "{range .items[*]}{.metadata.ownerReferences[*].kind}{end}", "", Sorted, "gc"));
        var set = (await cluster.JsonPathAsync("rs", "gc", "{.items[0].metadata.name}")).Trim();
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "rs", set, "-n", "gc", "--cascade=orphan"));
        Assert.Equal("", await UntilAsync("rs", "{.items[*].metadata.name}", "", Sorted, "gc"));
        Assert.Equal("api:Running:[] api:Running:[]", await UntilAsync("pods", "{range .items[*]}{.metadata.labels.app}:{.status.phase}:[{.metadata.ownerReferences}] {end}", "api:Running:[] api:Running:[]", Sorted, "gc"));
    }

    private static string Sorted(string words) => string.Join(' ', words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    /// <summary>The jsonpath of <paramref name="what"/> in namespace "replicas", polled until it reads <paramref name="expected"/> (or the last reading).</summary>
    private Task<string> UntilAsync(string what, string jsonPath, string expected) => UntilAsync(what, jsonPath, expected, s => s, "replicas");

    /// <summary>The jsonpath of <paramref name="what"/> in <paramref name="ns"/>, normalized, polled until it reads <paramref name="expected"/> (or the last reading).</summary>
    private async Task<string> UntilAsync(string what, string jsonPath, string expected, Func<string, string> normalize, string ns)
    {
        var last = "";
        for (var i = 0; i < 150 && last != expected; i++)
        {
            last = normalize((await cluster.JsonPathAsync(what, ns, jsonPath)).Trim());
            if (last != expected)
            {
                await Task.Delay(100);
            }
        }

        return last;
    }
}

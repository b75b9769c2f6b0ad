using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Node.Tests.Kubectl;

/// <summary>
/// kubectl's typed create commands: kubectl 1.32 sends their bodies as protobuf, so each one here goes through the
/// protobuf decoder; the objects must come out as kubectl meant them and survive a restart.
/// </summary>
public sealed class KubectlCreateTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private const string Ns = "typed";

    [Fact]
    public async Task Create_TypedCommands_ObjectsAsMeantSurviveRestart()
    {
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "namespace", Ns), "namespace/typed created");
        var file = cluster.WriteFile("motd.txt", "hello from a file\n");
        var binary = Path.Combine(cluster.WorkDir, "blob.bin");
        await File.WriteAllBytesAsync(binary, [0, 1, 2, 0xff, 0xfe]);
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "configmap", "cfg", "-n", Ns, "--from-literal=a=b", "--from-file=motd=" + file, "--from-file=blob=" + binary),
            "configmap/cfg created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "secret", "generic", "pw", "-n", Ns, "--from-literal=password=s3cret"), "secret/pw created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "secret", "docker-registry", "reg", "-n", Ns, "--docker-server=r.example.invalid", "--docker-username=u", "--docker-password=p"),
            "secret/reg created");
        var (crt, key) = await TlsPairAsync();
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "secret", "tls", "tls", "-n", Ns, "--cert=" + crt, "--key=" + key), "secret/tls created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "deployment", "web", "-n", Ns, "--image=nginx:1.27", "--replicas=0", "--port=80"), "deployment.apps/web created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "deployment", "cmd", "-n", Ns, "--image=busybox", "--", "sleep", "3600"), "deployment.apps/cmd created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "job", "once", "-n", Ns, "--image=busybox", "--", "echo", "hi"), "job.batch/once created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "cronjob", "tick", "-n", Ns, "--image=busybox", "--schedule=*/5 * * * *", "--", "date"), "cronjob.batch/tick created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "serviceaccount", "robot", "-n", Ns), "serviceaccount/robot created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "service", "clusterip", "api", "-n", Ns, "--tcp=80:8080"), "service/api created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "service", "nodeport", "np", "-n", Ns, "--tcp=80:8080", "--node-port=30080"), "service/np created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "service", "externalname", "ext", "-n", Ns, "--external-name=db.example.invalid"), "service/ext created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "service", "loadbalancer", "lb", "-n", Ns, "--tcp=443:8443"), "service/lb created");
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "quota", "q", "-n", Ns, "--hard=pods=10,cpu=2"), "resourcequota/q created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "deployment", "dry", "-n", Ns, "--image=nginx", "--dry-run=server"),
            "deployment.apps/dry created (server dry run)");

        var before = await SnapshotAsync();
        await cluster.RestartAsync();
        Assert.Equal(before, await SnapshotAsync());

        var cfg = await GetAsync("configmap/cfg");
        Assert.Equal("b", cfg["data"]!["a"]!.GetValue<string>());
        Assert.Equal("hello from a file\n", cfg["data"]!["motd"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String([0, 1, 2, 0xff, 0xfe]), cfg["binaryData"]!["blob"]!.GetValue<string>());
        Assert.Equal("s3cret", Encoding.UTF8.GetString(Convert.FromBase64String((await GetAsync("secret/pw"))["data"]!["password"]!.GetValue<string>())));
        Assert.Equal("kubernetes.io/dockerconfigjson", (await GetAsync("secret/reg"))["type"]!.GetValue<string>());
        Assert.Equal("kubernetes.io/tls", (await GetAsync("secret/tls"))["type"]!.GetValue<string>());

        // replicas: 0 arrives as an explicit zero and must stay zero (not the default of 1).
        var web = await GetAsync("deployment/web");
        Assert.Equal(0, web["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(80, web["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("""["sleep","3600"]""", (await GetAsync("deployment/cmd"))["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.ToJsonString());
        Assert.Equal("*/5 * * * *", (await GetAsync("cronjob/tick"))["spec"]!["schedule"]!.GetValue<string>());
        Assert.Equal(30080, (await GetAsync("service/np"))["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>());
        Assert.Equal(8080, (await GetAsync("service/api"))["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>());
        Assert.Equal("db.example.invalid", (await GetAsync("service/ext"))["spec"]!["externalName"]!.GetValue<string>());
        Assert.Equal("10", (await GetAsync("resourcequota/q"))["spec"]!["hard"]!["pods"]!.GetValue<string>());
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "deployment", "dry", "-n", Ns), "deployments.apps \"dry\" not found");
        Assert.Equal("LoadBalancer", (await GetAsync("service/lb"))["spec"]!["type"]!.GetValue<string>());
        var all = await cluster.OutputAsync("get", "all", "-n", Ns, "-o", "name");
        foreach (var name in new[] { "service/api", "service/lb", "deployment.apps/web", "deployment.apps/cmd", "job.batch/once", "cronjob.batch/tick" })
        {
            Assert.Contains(name, all, StringComparison.Ordinal);
        }

        foreach (var (resource, field) in new[] { ("role.rules", "verbs"), ("ingress.spec.rules", "host"), ("pdb.spec", "minAvailable"), ("priorityclass", "preemptionPolicy"), ("pvc.spec", "accessModes") })
        {
            Assert.Contains(field, await cluster.OutputAsync("explain", resource), StringComparison.Ordinal);
        }

        var scale = KubectlTable.Parse(await cluster.OutputAsync("get", "deployment", "web", "-n", Ns, "--subresource=scale"));
        Assert.Equal(["NAME", "DESIRED", "AVAILABLE", "AGE"], scale.Columns);
        Assert.Equal("0", scale.Row("web")["DESIRED"]);
    }

    [Fact]
    public async Task KubectlVerbs_ExposeSetDiffReplaceDeleteByLabelAndWait_WorkOnTypedObjects()
    {
        const string ns = "verbs";
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "-n", ns, "--image=nginx:1.26", "--port=80"));

        KubectlAssert.StdOutLines(await cluster.RunAsync("expose", "deployment", "web", "-n", ns, "--port=80", "--target-port=8080"), "service/web exposed");
        KubectlAssert.StdOutLines(await cluster.RunAsync("set", "image", "deployment/web", "-n", ns, "nginx=nginx:1.27"), "deployment.apps/web image updated");
        KubectlAssert.StdOutLines(await cluster.RunAsync("set", "env", "deployment/web", "-n", ns, "MODE=fast"), "deployment.apps/web env updated");
        KubectlAssert.StdOutLines(await cluster.RunAsync("set", "resources", "deployment/web", "-n", ns, "--limits=cpu=200m"), "deployment.apps/web resource requirements updated");
        KubectlAssert.StdOutLines(await cluster.RunAsync("set", "serviceaccount", "deployment", "web", "-n", ns, "robot"), "deployment.apps/web serviceaccount updated");
        Assert.Equal("nginx:1.27 fast 200m robot 8080", await cluster.JsonPathAsync("deployment/web", ns,
            "{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].value} {.spec.template.spec.containers[0].resources.limits.cpu} {.spec.template.spec.serviceAccountName} ")
            + await cluster.JsonPathAsync("service/web", ns, "{.spec.ports[0].targetPort}"));

        // Generation 5 (created, then four template changes): once the deployment controller has observed it, its
        // revision annotation stays put while diffing.
        KubectlAssert.Succeeded(await cluster.RunAsync("wait", "--for=jsonpath={.status.observedGeneration}=5", "deployment/web", "-n", ns, "--timeout=30s"));
        var changed = cluster.WriteFile("web-diff.yaml", (await cluster.OutputAsync("get", "deployment", "web", "-n", ns, "-o", "yaml")).Replace("image: nginx:1.27", "image: nginx:1.28", StringComparison.Ordinal));
        var diff = await cluster.RunAsync("diff", "-f", changed);
        Assert.True(diff.ExitCode == 1, diff.ToString());
        Assert.Contains("+        image: nginx:1.28", diff.StdOut, StringComparison.Ordinal);
        // No annotation changes (the deployment controller's revision annotation may stand as context).
        Assert.DoesNotContain(diff.StdOut.Split('\n'), l => l is ['+' or '-', not ('+' or '-'), ..] && l.Contains("annotation", StringComparison.Ordinal));

        var uid = await cluster.JsonPathAsync("deployment/web", ns, "{.metadata.uid}");
        var manifest = cluster.WriteFile("web-replace.yaml", await cluster.OutputAsync("get", "deployment", "web", "-n", ns, "-o", "yaml"));
        KubectlAssert.StdOutLines(await cluster.RunAsync("replace", "--force", "-f", manifest), "deployment.apps \"web\" deleted", "deployment.apps/web replaced");
        Assert.NotEqual(uid, await cluster.JsonPathAsync("deployment/web", ns, "{.metadata.uid}"));

        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "gone-1", "-n", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "gone-2", "-n", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("label", "configmap", "gone-1", "gone-2", "-n", ns, "sweep=yes"));
        KubectlAssert.StdOutLines(await cluster.RunAsync("delete", "configmap", "-n", ns, "-l", "sweep=yes"), "configmap \"gone-1\" deleted", "configmap \"gone-2\" deleted");

        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "waited", "-n", ns));
        var waiting = cluster.StartBackground("wait", "--for=delete", "configmap/waited", "-n", ns, "--timeout=20s");
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "configmap", "waited", "-n", ns));
        var waited = await waiting.WaitForExitAsync(TimeSpan.FromSeconds(30));
        // "condition met" when the wait saw the delete; nothing when the delete came first (kubectl then finds nothing to wait for).
        Assert.True(waited.ExitCode == 0 && (waited.StdOut.Contains("configmap/waited condition met", StringComparison.Ordinal) || waited.StdOut.Length == 0), waited.ToString());
    }

    [Fact]
    public async Task Create_RbacPriorityDisruptionBudgetsAndIngresses_AreServedValidatedAndPrinted()
    {
        const string ns = "access";
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "role", "reader", "-n", ns, "--verb=get,list", "--resource=pods,deployments.apps"),
            "role.rbac.authorization.k8s.io/reader created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "rolebinding", "rb", "-n", ns, "--role=reader", "--user=alice", "--serviceaccount=access:robot"),
            "rolebinding.rbac.authorization.k8s.io/rb created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "clusterrole", "health", "--verb=get", "--non-resource-url=/healthz"),
            "clusterrole.rbac.authorization.k8s.io/health created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "clusterrolebinding", "health", "--clusterrole=health", "--group=devs"),
            "clusterrolebinding.rbac.authorization.k8s.io/health created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "priorityclass", "high", "--value=1000", "--description=important"),
            "priorityclass.scheduling.k8s.io/high created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "poddisruptionbudget", "web", "-n", ns, "--selector=app=web", "--min-available=1"),
            "poddisruptionbudget.policy/web created");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("create", "ingress", "web", "-n", ns, "--class=nginx", "--rule=shop.example.invalid/=web:80", "--rule=api.example.invalid/v1*=api:http,tls=cert"),
            "ingress.networking.k8s.io/web created");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("create", "ingress", "byip", "-n", ns, "--rule=10.0.0.1/=web:80"),
            "Ingress.networking.k8s.io \"byip\" is invalid: spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address");

        KubectlAssert.FailedWith(
            await cluster.RunAsync("create", "priorityclass", "system-mine", "--value=5"),
            "priority class names with 'system-' prefix are reserved for system use only");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("patch", "rolebinding", "rb", "-n", ns, "--type=merge", "-p", """{"roleRef":{"name":"other"}}"""),
            "cannot change roleRef");

        await cluster.RestartAsync();

        var bindings = KubectlTable.Parse(await cluster.OutputAsync("get", "rolebinding", "-n", ns, "-o", "wide"));
        Assert.Equal("Role/reader", bindings.Row("rb")["ROLE"]);
        Assert.Equal("alice", bindings.Row("rb")["USERS"]);
        Assert.Equal("access/robot", bindings.Row("rb")["SERVICEACCOUNTS"]);
        Assert.Equal("ClusterRole/health", KubectlTable.Parse(await cluster.OutputAsync("get", "clusterrolebinding", "health")).Row("health")["ROLE"]);
        var classes = KubectlTable.Parse(await cluster.OutputAsync("get", "priorityclass"));
        Assert.Equal("2000000000", classes.Row("system-cluster-critical")["VALUE"]);
        Assert.Equal("2000001000", classes.Row("system-node-critical")["VALUE"]);
        Assert.Equal("PreemptLowerPriority", classes.Row("high")["PREEMPTIONPOLICY"]);
        var pdb = KubectlTable.Parse(await cluster.OutputAsync("get", "pdb", "-n", ns)).Row("web");
        Assert.Equal(("1", "N/A", "0"), (pdb["MIN AVAILABLE"], pdb["MAX UNAVAILABLE"], pdb["ALLOWED DISRUPTIONS"]));
        var ingress = KubectlTable.Parse(await cluster.OutputAsync("get", "ingress", "-n", ns)).Row("web");
        Assert.Equal(("nginx", "shop.example.invalid,api.example.invalid", "80, 443"), (ingress["CLASS"], ingress["HOSTS"], ingress["PORTS"]));
        Assert.Equal("Prefix http", await cluster.JsonPathAsync("ingress/web", ns, "{.spec.rules[1].http.paths[0].pathType} {.spec.rules[1].http.paths[0].backend.service.port.name}"));
        Assert.Equal("""[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]},{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","list"]}]""",
            await cluster.JsonPathAsync("role/reader", ns, "{.rules}"));
    }

    [Fact]
    public async Task AutoscaleAndEventsApi_OneStoreServedInTwoVersions_SurvivesRestart()
    {
        const string ns = "versions";
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "-n", ns, "--image=nginx:1.26"));

        // kubectl 1.32 posts autoscaling/v1 (protobuf); the object is stored as autoscaling/v2.
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("autoscale", "deployment", "web", "-n", ns, "--min=2", "--max=5", "--cpu-percent=70"),
            "horizontalpodautoscaler.autoscaling/web autoscaled");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("patch", "hpa", "web", "-n", ns, "--type=merge", "-p", """{"spec":{"metrics":[{"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]}}"""),
            "horizontalpodautoscaler.autoscaling/web patched");
        var zero = cluster.WriteFile("hpa-v1.yaml", """
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata:
              name: db
              namespace: versions
            spec:
              scaleTargetRef: {kind: Deployment, name: db}
              minReplicas: 0
              maxReplicas: 2
            """);
        KubectlAssert.FailedWith(
            await cluster.RunAsync("create", "-f", zero),
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1");
        var events = cluster.WriteFile("event.yaml", """
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata:
              name: web.scaled
              namespace: versions
            eventTime: "2026-01-01T00:00:00.000000Z"
            reportingController: example.com/autoscaler
            reportingInstance: autoscaler-1
            action: Scale
            reason: ScaledUp
            note: web scaled to 2
            type: Normal
            regarding:
              kind: Deployment
              name: web
              namespace: versions
            """);
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "-f", events), "event.events.k8s.io/web.scaled created");

        await cluster.RestartAsync();

        var hpa = KubectlTable.Parse(await cluster.OutputAsync("get", "hpa", "-n", ns)).Row("web");
        Assert.Equal(("Deployment/web", "<unknown>/10, cpu: <unknown>/70%", "2", "5"), (hpa["REFERENCE"], hpa["TARGETS"], hpa["MINPODS"], hpa["MAXPODS"]));
        Assert.Equal("autoscaling/v1 70 5", await cluster.JsonPathAsync("horizontalpodautoscalers.v1.autoscaling/web", ns, "{.apiVersion} {.spec.targetCPUUtilizationPercentage} {.spec.maxReplicas}"));
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("patch", "horizontalpodautoscalers.v1.autoscaling", "web", "-n", ns, "--type=merge", "-p", """{"spec":{"maxReplicas":9}}"""),
            "horizontalpodautoscaler.autoscaling/web patched");
        Assert.Equal("9 Pods Resource", await cluster.JsonPathAsync("hpa/web", ns, "{.spec.maxReplicas} {.spec.metrics[*].type}"));

        var coreEvent = KubectlTable.Parse(await cluster.OutputAsync("get", "events", "-n", ns)).Rows.Single(r => r["REASON"] == "ScaledUp");
        Assert.Equal(("ScaledUp", "deployment/web", "web scaled to 2"), (coreEvent["REASON"], coreEvent["OBJECT"], coreEvent["MESSAGE"]));
        Assert.Equal("web scaled to 2 example.com/autoscaler web", await cluster.JsonPathAsync("events.v1.events.k8s.io/web.scaled", ns, "{.note} {.reportingController} {.regarding.name}"));
        Assert.Contains("targetCPUUtilizationPercentage", await cluster.OutputAsync("explain", "hpa.spec", "--api-version=autoscaling/v1"), StringComparison.Ordinal);
        KubectlAssert.StdOutLines(await cluster.RunAsync("delete", "horizontalpodautoscalers.v1.autoscaling", "web", "-n", ns), "horizontalpodautoscaler.autoscaling \"web\" deleted");
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "hpa", "web", "-n", ns), "NotFound");
    }

    private async Task<JsonObject> GetAsync(string resource) =>
        JsonNode.Parse(await cluster.OutputAsync("get", resource, "-n", Ns, "-o", "json"))!.AsObject();

    private Task<string> SnapshotAsync() =>
        cluster.OutputAsync("get", "configmap,secret,deployment,job,cronjob,serviceaccount,service,resourcequota", "-n", Ns, "-o",
            "jsonpath={range .items[*]}{.kind}/{.metadata.name} uid={.metadata.uid} rv={.metadata.resourceVersion}{\"\\n\"}{end}");

    /// <summary>The certificate and key kubectl was captured with (../shared/k8s-protobuf), written as PEM files.</summary>
    private async Task<(string Crt, string Key)> TlsPairAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln")))
        {
            root = root.Parent;
        }

        var captured = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root!.FullName, "..", "shared", "k8s-protobuf", "kubectl-1.32-bodies", "secret-tls.client.json")))!;
        var crt = cluster.WriteFile("tls.crt", Encoding.UTF8.GetString(Convert.FromBase64String(captured["data"]!["tls.crt"]!.GetValue<string>())));
        var key = cluster.WriteFile("tls.key", Encoding.UTF8.GetString(Convert.FromBase64String(captured["data"]!["tls.key"]!.GetValue<string>())));
        return (crt, key);
    }
}

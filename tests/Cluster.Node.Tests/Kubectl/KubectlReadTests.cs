namespace Cluster.Node.Tests.Kubectl;

/// <summary>A node with the shop application applied into two namespaces, for the read-only commands.</summary>
public sealed class ShopCluster : KubectlCluster
{
    public KubectlResult ApplyResult { get; private set; } = new("", -1, "", "");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ApplyResult = await RunAsync("apply", "-f", WriteFile("shop.yaml", Manifests.Shop("shop")));
        KubectlAssert.Succeeded(await RunAsync("apply", "-f", WriteFile("outlet.yaml", Manifests.Shop("outlet"))));
    }
}

/// <summary>Discovery, get, describe and error texts through the real kubectl.</summary>
public sealed class KubectlReadTests(ShopCluster cluster) : IClassFixture<ShopCluster>
{
    [Fact]
    public async Task ApiResources_Listed_ShowsEveryBuiltInKindWithShortNamesAndScope()
    {
        var table = KubectlTable.Parse(await cluster.OutputAsync("api-resources"));

        Assert.Equal(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"], table.Columns);
        Assert.Equal(
            ["clusterrolebindings", "clusterroles", "configmaps", "controllerrevisions", "cronjobs", "daemonsets", "deployments", "endpoints",
             "endpointslices", "events", "events", "horizontalpodautoscalers", "ingressclasses", "ingresses", "ipaddresses", "jobs", "leases", "limitranges", "namespaces", "networkpolicies", "nodes", "nodes", "persistentvolumeclaims",
             "persistentvolumes", "poddisruptionbudgets", "pods", "pods", "podtemplates", "priorityclasses", "replicasets", "replicationcontrollers",
             "resourcequotas", "rolebindings", "roles", "secrets", "serviceaccounts", "services", "statefulsets", "storageclasses"],
            table.Column("NAME").Order(StringComparer.Ordinal));
        var deployments = table.Row("deployments");
        Assert.Equal(("deploy", "apps/v1", "true", "Deployment"), (deployments["SHORTNAMES"], deployments["APIVERSION"], deployments["NAMESPACED"], deployments["KIND"]));
        var namespaces = table.Row("namespaces");
        Assert.Equal(("ns", "v1", "false", "Namespace"), (namespaces["SHORTNAMES"], namespaces["APIVERSION"], namespaces["NAMESPACED"], namespaces["KIND"]));
        Assert.Equal("coordination.k8s.io/v1", table.Row("leases")["APIVERSION"]);

        KubectlAssert.StdOutLines(
            await cluster.RunAsync("api-resources", "--api-group=apps", "-o", "name"),
            "controllerrevisions.apps", "daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("api-resources", "--namespaced=false", "-o", "name"),
            "namespaces", "nodes", "persistentvolumes", "nodes.metrics.k8s.io", "ingressclasses.networking.k8s.io", "ipaddresses.networking.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
            "clusterroles.rbac.authorization.k8s.io", "priorityclasses.scheduling.k8s.io", "storageclasses.storage.k8s.io");
        Assert.Equal(("pdb", "policy/v1", "true"), (table.Row("poddisruptionbudgets")["SHORTNAMES"], table.Row("poddisruptionbudgets")["APIVERSION"], table.Row("poddisruptionbudgets")["NAMESPACED"]));
        Assert.Equal(("hpa", "autoscaling/v2"), (table.Row("horizontalpodautoscalers")["SHORTNAMES"], table.Row("horizontalpodautoscalers")["APIVERSION"]));
        Assert.Equal(["events.k8s.io/v1", "v1"], table.Rows.Where(r => r["NAME"] == "events").Select(r => r["APIVERSION"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApiVersions_Listed_ShowsServedGroupVersions()
    {
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("api-versions"),
            "apps/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1", "metrics.k8s.io/v1beta1", "networking.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1", "v1");
    }

    [Fact]
    public void Apply_MultiDocumentManifest_CreatesEveryObjectInDocumentOrder()
    {
        var result = cluster.ApplyResult;
        KubectlAssert.StdOutLines(
            result,
            "namespace/shop created", "configmap/settings created", "deployment.apps/web created", "service/web created", "pod/worker created");
        Assert.True(result.StdErr.Length == 0, "Validation printed warnings:\n" + result);
    }

    [Fact]
    public async Task Get_SeveralKinds_PrintsEachKindsTableColumns()
    {
        var tables = KubectlTable.ParseAll(await cluster.OutputAsync("get", "deployments,configmaps,services,pods", "-n", "shop"));

        Assert.Equal(4, tables.Count);
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], tables[0].Columns);
        var deployment = tables[0].Row("deployment.apps/web");
        Assert.Equal(("0/2", "0", "0"), (deployment["READY"], deployment["UP-TO-DATE"], deployment["AVAILABLE"]));
        Assert.Equal("2", tables[1].Row("configmap/settings")["DATA"]);
        var service = tables[2].Row("service/web");
        Assert.Equal(("ClusterIP", "80/TCP"), (service["TYPE"], service["PORT(S)"]));
        var pod = tables[3].Row("pod/worker");
        Assert.Equal(("0/1", "Pending", "0"), (pod["READY"], pod["STATUS"], pod["RESTARTS"]));
    }

    [Fact]
    public async Task Get_OutputWide_AddsWideColumns()
    {
        var deployment = KubectlTable.Parse(await cluster.OutputAsync("get", "deploy", "web", "-n", "shop", "-o", "wide"));
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], deployment.Columns);
        var row = deployment.Row("web");
        Assert.Equal(("web", "nginx:1.25", "app=web"), (row["CONTAINERS"], row["IMAGES"], row["SELECTOR"]));

        var pod = KubectlTable.Parse(await cluster.OutputAsync("get", "pod", "worker", "-n", "shop", "-o", "wide"));
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], pod.Columns);
        Assert.Equal(("<none>", "<none>"), (pod.Row("worker")["IP"], pod.Row("worker")["NODE"]));
    }

    [Fact]
    public async Task Get_AllNamespacesWithLabels_ShowsNamespaceAndLabelsColumns()
    {
        var pods = KubectlTable.Parse(await cluster.OutputAsync("get", "pods", "-A", "--show-labels"));

        Assert.Equal(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"], pods.Columns);
        Assert.Equal(["outlet", "shop"], pods.Column("NAMESPACE"));
        Assert.Equal(["worker", "worker"], pods.Column("NAME"));
        Assert.Equal(["app=worker,tier=backend", "app=worker,tier=backend"], pods.Column("LABELS"));

        var namespaces = KubectlTable.Parse(await cluster.OutputAsync("get", "ns", "shop", "--show-labels"));
        Assert.Equal("kubernetes.io/metadata.name=shop,team=web", namespaces.Row("shop")["LABELS"]);
    }

    [Fact]
    public async Task Get_LabelSelector_ListsOnlyMatchingObjects()
    {
        var web = KubectlTable.ParseAll(await cluster.OutputAsync("get", "deployments,configmaps,services,pods", "-n", "shop", "-l", "app=web"));
        Assert.Equal(["deployment.apps/web", "configmap/settings", "service/web"], web.SelectMany(t => t.Column("NAME")));

        var backend = KubectlTable.Parse(await cluster.OutputAsync("get", "pods", "-A", "-l", "tier in (backend),app!=web"));
        Assert.Equal(["outlet", "shop"], backend.Column("NAMESPACE"));

        var none = await cluster.RunAsync("get", "pods", "-n", "shop", "-l", "tier=frontend");
        KubectlAssert.Succeeded(none);
        Assert.True(none.StdOut.Length == 0 && none.StdErr.Trim() == "No resources found in shop namespace.", none.ToString());
    }

    [Fact]
    public async Task Get_OutputYaml_PrintsStoredObjectWithServerFields()
    {
        var yaml = KubectlAssert.Succeeded(await cluster.RunAsync("get", "configmap", "settings", "-n", "shop", "-o", "yaml"));
        var uid = await cluster.OutputAsync("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.metadata.uid}");

        Assert.StartsWith("apiVersion: v1\ndata:\n  mode: blue\n  size: small\nkind: ConfigMap\nmetadata:\n", yaml.StdOut, StringComparison.Ordinal);
        KubectlAssert.HasLine(yaml, "name: settings");
        KubectlAssert.HasLine(yaml, "namespace: shop");
        KubectlAssert.HasLine(yaml, "app: web");
        KubectlAssert.HasLine(yaml, "uid: " + uid);
        KubectlAssert.HasLine(yaml, "resourceVersion: \"[0-9]+\"");
        KubectlAssert.HasLine(yaml, "creationTimestamp: \"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\"");
        KubectlAssert.HasLine(yaml, "kubectl.kubernetes.io/last-applied-configuration: \\|");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", uid);
    }

    [Fact]
    public async Task Describe_DeploymentAndPod_ShowsSpecDetails()
    {
        // The deployment controller has reported its new ReplicaSet's missing pods (no ReplicaSet controller runs here).
        KubectlAssert.Succeeded(await cluster.RunAsync("wait", "--for=jsonpath={.status.unavailableReplicas}=2", "deployment/web", "-n", "shop", "--timeout=30s"));
        var deployment = KubectlAssert.Succeeded(await cluster.RunAsync("describe", "deployment", "web", "-n", "shop"));
        KubectlAssert.HasLine(deployment, "Name:\\s+web");
        KubectlAssert.HasLine(deployment, "Namespace:\\s+shop");
        KubectlAssert.HasLine(deployment, "Selector:\\s+app=web");
        KubectlAssert.HasLine(deployment, "Replicas:\\s+2 desired \\| \\d+ updated \\| \\d+ total \\| 0 available \\| 2 unavailable");
        KubectlAssert.HasLine(deployment, "NewReplicaSet:\\s+web-[a-z0-9]+ \\(\\d+/2 replicas created\\)");
        KubectlAssert.HasLine(deployment, "StrategyType:\\s+RollingUpdate");
        KubectlAssert.HasLine(deployment, "Image:\\s+nginx:1.25");
        KubectlAssert.HasLine(deployment, "MODE:\\s+blue");
        KubectlAssert.HasLine(deployment, "DEBUG:\\s+true");

        var pod = KubectlAssert.Succeeded(await cluster.RunAsync("describe", "pod", "worker", "-n", "shop"));
        KubectlAssert.HasLine(pod, "Name:\\s+worker");
        KubectlAssert.HasLine(pod, "Node:\\s+<none>");
        KubectlAssert.HasLine(pod, "Labels:\\s+app=worker");
        KubectlAssert.HasLine(pod, "tier=backend");
        KubectlAssert.HasLine(pod, "Status:\\s+Pending");
        KubectlAssert.HasLine(pod, "Image:\\s+busybox:1.36");
        KubectlAssert.HasLine(pod, "QoS Class:\\s+BestEffort");
    }

    [Fact]
    public async Task Apply_UnknownField_FailsWithStrictDecodingErrorAndCreatesNothing()
    {
        KubectlAssert.FailedWith(
            await cluster.RunAsync("apply", "-f", cluster.WriteFile("typo-cm.yaml", Manifests.ConfigMapWithUnknownField("shop"))),
            "Error from server (BadRequest): error when creating \"typo-cm.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dataa\"");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("apply", "-f", cluster.WriteFile("typo-deploy.yaml", Manifests.DeploymentWithNestedUnknownField("shop"))),
            "strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"");

        KubectlAssert.FailedWith(await cluster.RunAsync("get", "configmap", "typo", "-n", "shop"), "Error from server (NotFound): configmaps \"typo\" not found");
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "deployment", "typo", "-n", "shop"), "Error from server (NotFound): deployments.apps \"typo\" not found");
    }

    [Fact]
    public async Task Apply_InvalidName_FailsWithIsInvalid()
    {
        KubectlAssert.FailedWith(
            await cluster.RunAsync("apply", "-f", cluster.WriteFile("bad-name.yaml", Manifests.ConfigMapWithInvalidName("shop"))),
            "The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters");
    }

    [Fact]
    public async Task Get_MissingObject_FailsWithNotFound()
    {
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "pod", "ghost", "-n", "shop"), "Error from server (NotFound): pods \"ghost\" not found");
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "ns", "nowhere"), "Error from server (NotFound): namespaces \"nowhere\" not found");
        KubectlAssert.FailedWith(await cluster.RunAsync("describe", "deployment", "ghost", "-n", "shop"), "Error from server (NotFound): deployments.apps \"ghost\" not found");
    }
}

using System.Net;
using Cluster.Node.Tests.Kubectl;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Cluster.Node.Tests.Client;

/// <summary>
/// The official Kubernetes C# client (KubernetesClient) drives the API as a user's .NET program would: typed create, get,
/// list with selectors and paging, watch resumed from a resourceVersion, replace with a stale resourceVersion, the four
/// patch types, scale, delete; against a real node process.
/// </summary>
public sealed class KubernetesClientTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private static V1ConfigMap ConfigMap(string name, string tier, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    [Fact]
    public async Task TypedConfigMaps_CreateGetListPageReplacePatchDelete()
    {
        using var client = cluster.Client();
        const string ns = "typed-cm";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        for (var i = 1; i <= 5; i++)
        {
            var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm" + i, i % 2 == 0 ? "even" : "odd", "v" + i), ns);
            Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        }

        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("cm3", ns);
        Assert.Equal("v3", read.Data["value"]);
        Assert.Equal(["cm2", "cm4"], (await client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier=even")).Items.Select(c => c.Metadata.Name));

        // cm1..cm5 and kube-root-ca.crt, which every namespace has.
        var first = await client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2);
        Assert.Equal(["cm1", "cm2"], first.Items.Select(c => c.Metadata.Name));
        Assert.Equal(4, first.Metadata.RemainingItemCount);
        var second = await client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: first.Metadata.ContinueProperty);
        Assert.Equal(["cm3", "cm4"], second.Items.Select(c => c.Metadata.Name));

        var stale = ConfigMap("cm3", "odd", "stale");
        stale.Metadata.ResourceVersion = read.Metadata.ResourceVersion;
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(ConfigMap("cm3", "odd", "fresh"), "cm3", ns);
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(stale, "cm3", ns));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);

        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"merge":"1"}}""", V1Patch.PatchType.MergePatch), "cm1", ns);
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"strategic":"1"}}""", V1Patch.PatchType.StrategicMergePatch), "cm1", ns);
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"add","path":"/data/json","value":"1"}]""", V1Patch.PatchType.JsonPatch), "cm1", ns);
        await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm1"},"data":{"applied":"1"}}""", V1Patch.PatchType.ApplyPatch), "cm1", ns, fieldManager: "client-test");
        var patched = await client.CoreV1.ReadNamespacedConfigMapAsync("cm1", ns);
        Assert.Equal(["applied", "json", "merge", "strategic", "value"], patched.Data.Keys.Order(StringComparer.Ordinal));

        await client.CoreV1.DeleteNamespacedConfigMapAsync("cm5", ns);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("cm5", ns));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task TypedWatch_ResumedFromAListsVersion_SeesEveryLaterChangeInOrder()
    {
        using var client = cluster.Client();
        const string ns = "typed-watch";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("before", "odd", "0"), ns);
        var version = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("w", "odd", "1"), ns);
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(ConfigMap("w", "odd", "2"), "w", ns);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("w", ns);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: version, cancellationToken: stop.Token))
        {
            seen.Add($"{type} {item.Metadata.Name} {item.Data?["value"]}");
            if (type == WatchEventType.Deleted)
            {
                break;
            }
        }

        Assert.Equal(["Added w 1", "Modified w 2", "Deleted w 2"], seen);
    }

    [Fact]
    public async Task TypedDeployment_StrategicPatchScaleAndDelete()
    {
        using var client = cluster.Client();
        const string ns = "typed-apps";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1.26", Env = [new V1EnvVar { Name = "MODE", Value = "a" }] }] },
                },
            },
        }, ns);

        // Strategic merge matches containers by name: the env the patch does not mention stays.
        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "web", ns);
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal(("nginx:1.27", "MODE"), (deployment.Spec.Template.Spec.Containers[0].Image, deployment.Spec.Template.Spec.Containers[0].Env[0].Name));
        Assert.Equal(2, deployment.Metadata.Generation);

        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", ns);
        scale.Spec.Replicas = 4;
        await client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", ns);
        Assert.Equal(4, (await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Spec.Replicas);

        // Background: a foreground delete waits for the garbage collector to clear its finalizer, which the controllers bring.
        await client.AppsV1.DeleteNamespacedDeploymentAsync("web", ns, propagationPolicy: "Background");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
    }

    [Fact]
    public async Task TypedAccessKinds_RolesBindingsPriorityClassesAndBudgets()
    {
        using var client = cluster.Client();
        const string ns = "typed-access";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "reader" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] }],
        }, ns);
        var binding = await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "rb" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "reader" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "alice" }],
        }, ns);
        Assert.Equal("rbac.authorization.k8s.io", binding.Subjects[0].ApiGroup);

        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "empty" },
            Rules = [new V1PolicyRule { Verbs = [] }],
        }, ns));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);

        var classes = await client.SchedulingV1.ListPriorityClassAsync();
        Assert.Contains(classes.Items, c => c.Metadata.Name == "system-node-critical" && c.Value == 2_000_001_000);
        await client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = "50%", Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        }, ns);
        var budget = await client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns);
        Assert.Equal("50%", budget.Spec.MinAvailable.Value);
        Assert.Equal(0, budget.Status.DisruptionsAllowed);
    }

    [Fact]
    public async Task TypedAutoscalersAndEvents_BothVersionsOfOneStore()
    {
        using var client = cluster.Client();
        const string ns = "typed-versions";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MaxReplicas = 6,
                Metrics =
                [
                    new V2MetricSpec { Type = "Pods", Pods = new V2PodsMetricSource { Metric = new V2MetricIdentifier { Name = "qps" }, Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("10") } } },
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 75 } } },
                ],
                Behavior = new V2HorizontalPodAutoscalerBehavior { ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = 60 } },
            },
        }, ns);

        var v1 = await client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        Assert.Equal((75, 1, 6), (v1.Spec.TargetCPUUtilizationPercentage, v1.Spec.MinReplicas, v1.Spec.MaxReplicas));
        v1.Spec.MaxReplicas = 7;
        await client.AutoscalingV1.ReplaceNamespacedHorizontalPodAutoscalerAsync(v1, "web", ns);

        var v2 = await client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        Assert.Equal(7, v2.Spec.MaxReplicas);
        Assert.Equal(["Pods", "Resource"], v2.Spec.Metrics.Select(m => m.Type));
        Assert.Equal((60, 0), (v2.Spec.Behavior.ScaleDown.StabilizationWindowSeconds, v2.Spec.Behavior.ScaleUp.StabilizationWindowSeconds));
        Assert.Equal("Max", v2.Spec.Behavior.ScaleUp.SelectPolicy);

        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.AutoscalingV1.ReplaceNamespacedHorizontalPodAutoscalerAsync(v1, "web", ns));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        await client.AutoscalingV1.PatchNamespacedHorizontalPodAutoscalerAsync(new V1Patch("""{"spec":{"minReplicas":2}}""", V1Patch.PatchType.MergePatch), "web", ns);
        Assert.Equal(2, (await client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns)).Items.Single().Spec.MinReplicas);

        await client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "web.1" },
            EventTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            ReportingController = "example.com/autoscaler",
            ReportingInstance = "autoscaler-1",
            Action = "Scale",
            Reason = "ScaledUp",
            Note = "web scaled",
            Type = "Normal",
            Regarding = new V1ObjectReference { Kind = "HorizontalPodAutoscaler", Name = "web", NamespaceProperty = ns },
        }, ns);
        var core = await client.CoreV1.ReadNamespacedEventAsync("web.1", ns);
        Assert.Equal(("web scaled", "example.com/autoscaler", "web"), (core.Message, core.ReportingComponent, core.InvolvedObject.Name));
        Assert.Equal("web scaled", (await client.EventsV1.ListNamespacedEventAsync(ns)).Items.Single().Note);

        await client.AutoscalingV1.DeleteNamespacedHorizontalPodAutoscalerAsync("web", ns, propagationPolicy: "Background");
        await client.EventsV1.DeleteNamespacedEventAsync("web.1", ns, propagationPolicy: "Background");
        Assert.Empty((await client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns)).Items);
        Assert.Empty((await client.CoreV1.ListNamespacedEventAsync(ns)).Items);
    }
}

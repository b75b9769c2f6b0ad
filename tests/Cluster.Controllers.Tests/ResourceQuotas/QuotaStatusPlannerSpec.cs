using System.Text.Json.Nodes;
using Cluster.Controllers.ResourceQuotas;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;

namespace Cluster.Controllers.Tests.ResourceQuotas;

public sealed class QuotaStatusPlannerSpec
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Quota(string spec, string? status = null) =>
        Obj("""{"metadata":{"name":"q","namespace":"team"},"spec":""" + spec + (status is null ? "" : ""","status":""" + status) + "}");

    private static JsonObject Pod(string requests, string? limits = null, string phase = "Running", string? extraSpec = null)
    {
        var resources = new JsonObject { ["requests"] = JsonNode.Parse(requests) };
        if (limits is not null)
        {
            resources["limits"] = JsonNode.Parse(limits);
        }

        var spec = extraSpec is null ? new JsonObject() : Obj("{" + extraSpec + "}");
        spec["containers"] = new JsonArray(new JsonObject { ["name"] = "a", ["resources"] = resources });
        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = "p" }, ["spec"] = spec, ["status"] = new JsonObject { ["phase"] = phase } };
    }

    private static QuotaStatusPlan Plan(JsonObject quota, Dictionary<ResourceKind, JsonObject[]> objects) =>
        QuotaStatusPlanner.Plan(quota, KindCatalog.BuiltIn, kind => objects.GetValueOrDefault(kind) ?? [], Now);

    [Fact]
    public void Plan_ComputeQuota_SumsLivePodsOnly()
    {
        var quota = Quota("""{"hard":{"pods":"10","requests.cpu":"4","limits.memory":"8Gi","cpu":"4"}}""");
        var pods = new[] { Pod("""{"cpu":"500m"}""", """{"memory":"1Gi"}"""), Pod("""{"cpu":"1"}""", """{"memory":"2Gi"}"""), Pod("""{"cpu":"2"}""", phase: "Succeeded") };

        var plan = Plan(quota, new() { [BuiltInKinds.Pod] = pods });

        Assert.Equal("cpu=1500m,limits.memory=3Gi,pods=2,requests.cpu=1500m", ResourceLists.Print(plan.Used));
        Assert.Equal("cpu=4,limits.memory=8Gi,pods=10,requests.cpu=4", ResourceLists.Print(plan.Hard));
        Assert.True(plan.Changed);
    }

    [Fact]
    public void Plan_NothingToCount_ZeroForEveryHardResource()
    {
        var plan = Plan(Quota("""{"hard":{"pods":"1","services.nodeports":"2","count/deployments.apps":"3","configmaps":"4"}}"""), []);

        Assert.Equal("configmaps=0,count/deployments.apps=0,pods=0,services.nodeports=0", ResourceLists.Print(plan.Used));
    }

    [Fact]
    public void Plan_ObjectCounts_PerKindNamed()
    {
        var quota = Quota("""{"hard":{"count/deployments.apps":"3","configmaps":"4","services":"5","services.loadbalancers":"1","requests.storage":"10Gi","gold.storageclass.storage.k8s.io/requests.storage":"5Gi"}}""");
        var objects = new Dictionary<ResourceKind, JsonObject[]>
        {
            [BuiltInKinds.Deployment] = [Obj("{}"), Obj("{}")],
            [BuiltInKinds.ConfigMap] = [Obj("{}")],
            [BuiltInKinds.Service] = [Obj("""{"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}"""), Obj("""{"spec":{}}""")],
            [BuiltInKinds.PersistentVolumeClaim] = [
                Obj("""{"spec":{"storageClassName":"gold","resources":{"requests":{"storage":"1Gi"}}}}"""),
                Obj("""{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}""")],
        };

        var plan = Plan(quota, objects);

        Assert.Equal(
            "configmaps=1,count/deployments.apps=2,gold.storageclass.storage.k8s.io/requests.storage=1Gi,requests.storage=3Gi,services=2,services.loadbalancers=1",
            ResourceLists.Print(plan.Used));
    }

    [Fact]
    public void Plan_ScopedQuota_CountsPodsInEveryScope()
    {
        var quota = Quota("""{"hard":{"pods":"10"},"scopes":["NotBestEffort","Terminating"]}""");
        var pods = new[]
        {
            Pod("""{"cpu":"1"}""", extraSpec: "\"activeDeadlineSeconds\":30"), Pod("""{"cpu":"1"}"""), Pod("{}", extraSpec: "\"activeDeadlineSeconds\":30"),
        };

        Assert.Equal("pods=1", ResourceLists.Print(Plan(quota, new() { [BuiltInKinds.Pod] = pods }).Used));
    }

    [Fact]
    public void Plan_StatusAlreadyRight_Unchanged()
    {
        var quota = Quota("""{"hard":{"pods":"10"}}""", """{"hard":{"pods":"10"},"used":{"pods":"1"}}""");

        Assert.False(Plan(quota, new() { [BuiltInKinds.Pod] = [Pod("{}")] }).Changed);
    }

    [Theory]
    [InlineData("""{"hard":{"pods":"5"},"used":{"pods":"1"}}""")]
    [InlineData("""{"hard":{"pods":"10"},"used":{"pods":"2"}}""")]
    [InlineData("""{"hard":{"pods":"10"}}""")]
    public void Plan_HardChangedOrUsageDriftedOrMissing_Changed(string status)
    {
        var quota = Quota("""{"hard":{"pods":"10"}}""", status);

        var plan = Plan(quota, new() { [BuiltInKinds.Pod] = [Pod("{}")] });

        Assert.True(plan.Changed);
        Assert.Equal("""{"hard":{"pods":"10"},"used":{"pods":"1"}}""", plan.ToJson().ToJsonString());
    }

    [Fact]
    public void Plan_ResourceNoKindCounts_KeepsItsLastUsageAndDropsWhatIsNoLongerHard()
    {
        var quota = Quota("""{"hard":{"count/widgets.example.com":"3"}}""", """{"hard":{"count/widgets.example.com":"3","pods":"1"},"used":{"count/widgets.example.com":"2","pods":"1"}}""");

        var plan = Plan(quota, []);

        Assert.Equal("count/widgets.example.com=2", ResourceLists.Print(plan.Used));
    }

    [Fact]
    public void KindsOf_HardResources_TheKindsToWatch()
    {
        var quota = Quota("""{"hard":{"cpu":"1","limits.memory":"1Gi","services.nodeports":"1","count/jobs.batch":"1","secrets":"1"}}""");

        Assert.Equal(["jobs", "pods", "secrets", "services"], QuotaStatusPlanner.KindsOf(quota, KindCatalog.BuiltIn).Select(k => k.Plural).Order(StringComparer.Ordinal));
    }
}

using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.ResourceQuotas;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The resourcequota controller and quota admission on a node's real registry.</summary>
public sealed class ResourceQuotaControllerTests : IAsyncLifetime
{
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("quota-node");
        var controller = new ResourceQuotaController(Registry.Kinds, _host.Informers, new RegistryWriter(Registry, "resourcequota-controller"), TimeSpan.FromMinutes(5), TimeProvider.System, _log);
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
        controller.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Quota_ObjectsComeAndGo_StatusCountsThem_AndCreatesBeyondItAreRefused()
    {
        await CreatePodAsync("before", "100m");
        await _host.CreateAsync(BuiltInKinds.ConfigMap, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}""");
        await _host.CreateAsync(BuiltInKinds.ResourceQuota, """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"compute"},"spec":{"hard":{"pods":"2","requests.cpu":"1","configmaps":"1","count/deployments.apps":"5"}}}""");

        await UntilUsedAsync("""{"configmaps":"1","count/deployments.apps":"0","pods":"1","requests.cpu":"100m"}""");
        Assert.Equal("""{"configmaps":"1","count/deployments.apps":"5","pods":"2","requests.cpu":"1"}""", Status()["hard"]!.ToJsonString());

        // Admission charges the create at once.
        await CreatePodAsync("second", "500m");
        Assert.Equal("""{"configmaps":"1","count/deployments.apps":"0","pods":"2","requests.cpu":"600m"}""", Status()["used"]!.ToJsonString());

        var refused = await Assert.ThrowsAsync<ApiException>(() => CreatePodAsync("third", "100m"));
        Assert.Equal(403, refused.Code);
        Assert.Equal("pods \"third\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2", refused.Message);
        var noCpu = await Assert.ThrowsAsync<ApiException>(() => _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare"},"spec":{"containers":[{"name":"app","image":"x"}]}}"""));
        Assert.Equal("pods \"bare\" is forbidden: failed quota: compute: must specify requests.cpu for: app", noCpu.Message);
        var map = await Assert.ThrowsAsync<ApiException>(() => _host.CreateAsync(BuiltInKinds.ConfigMap, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"more"}}"""));
        Assert.StartsWith("configmaps \"more\" is forbidden: exceeded quota: compute", map.Message, StringComparison.Ordinal);

        // A pod that ends stops counting; a deleted one too.
        await Registry.PatchAsync(BuiltInKinds.Pod, "default", "second", PatchType.Merge, JsonNode.Parse("""{"status":{"phase":"Succeeded"}}""")!, "status", WriteOptions.Default, CancellationToken.None);
        await UntilUsedAsync("""{"configmaps":"1","count/deployments.apps":"0","pods":"1","requests.cpu":"100m"}""");
        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "before", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);
        await UntilUsedAsync("""{"configmaps":"1","count/deployments.apps":"0","pods":"0","requests.cpu":"0"}""");

        // A raised limit is copied to status.hard.
        var quota = Registry.Cache(BuiltInKinds.ResourceQuota).Get("default", "compute")!.ToJsonObject();
        quota["spec"]!["hard"]!["pods"] = "3";
        await Registry.UpdateAsync(BuiltInKinds.ResourceQuota, "default", "compute", quota, null, WriteOptions.Default, CancellationToken.None);
        await UntilAsync(s => s["hard"]?["pods"]?.GetValue<string>() == "3", "hard pods 3");
    }

    [Fact]
    public async Task QuotaOfOnePod_TwoParallelCreates_ExactlyOneAdmitted()
    {
        await _host.CreateAsync(BuiltInKinds.ResourceQuota, """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"one"},"spec":{"hard":{"pods":"1"}}}""");
        await UntilUsedAsync("""{"pods":"0"}""", "one");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            try
            {
                await CreatePodAsync("racer-" + i, "10m");
                return (Admitted: true, Message: "");
            }
            catch (ApiException e) when (e.Code == 403)
            {
                return (Admitted: false, e.Message);
            }
        })));

        Assert.Single(attempts, a => a.Admitted);
        Assert.Contains("exceeded quota: one, requested: pods=1, used: pods=1, limited: pods=1", attempts.Single(a => !a.Admitted).Message, StringComparison.Ordinal);
        Assert.Single(Registry.Cache(BuiltInKinds.Pod).List("default").Items);
        Assert.Equal("""{"pods":"1"}""", Status("one")["used"]!.ToJsonString());
    }

    [Fact]
    public async Task ComputeQuota_PodStatingOnlyLimits_ChargedThemAsRequests_AndAnInvalidPodNotCharged()
    {
        await _host.CreateAsync(BuiltInKinds.ResourceQuota, """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"compute"},"spec":{"hard":{"requests.cpu":"2","limits.cpu":"2"}}}""");
        await UntilUsedAsync("""{"limits.cpu":"0","requests.cpu":"0"}""");

        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"limited"},"spec":{"containers":[{"name":"app","image":"x","resources":{"limits":{"cpu":"1"}}}]}}""");
        var invalid = await Assert.ThrowsAsync<ApiException>(() => _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"invalid"},"spec":{"containers":[{"name":"app","image":"x","resources":{"requests":{"cpu":"1"},"limits":{"cpu":"500m"}}}]}}"""));

        Assert.Equal(422, invalid.Code);
        Assert.Equal("""{"limits.cpu":"1","requests.cpu":"1"}""", Status()["used"]!.ToJsonString());
    }

    [Fact]
    public async Task LimitRange_PodWithoutResources_CreatedWithItsDefaults_AndOverTheMaxRefused()
    {
        await _host.CreateAsync(BuiltInKinds.LimitRange, """{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"limits"},"spec":{"limits":[{"type":"Container","default":{"cpu":"500m","memory":"128Mi"},"max":{"cpu":"1"}}]}}""");

        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"plain"},"spec":{"containers":[{"name":"app","image":"x"}]}}""");
        var refused = await Assert.ThrowsAsync<ApiException>(() => _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"big"},"spec":{"containers":[{"name":"app","image":"x","resources":{"limits":{"cpu":"2"}}}]}}"""));

        var resources = Registry.Cache(BuiltInKinds.Pod).Get("default", "plain")!.ToJsonObject()["spec"]!["containers"]![0]!["resources"]!;
        Assert.Equal("""{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"500m","memory":"128Mi"}}""", resources.ToJsonString());
        Assert.Equal(403, refused.Code);
        Assert.Equal("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", refused.Message);
    }

    private Task CreatePodAsync(string name, string cpu) =>
        _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":""" + "\"" + name + "\"" + """},"spec":{"containers":[{"name":"app","image":"x","resources":{"requests":{"cpu":""" + "\"" + cpu + "\"}}}]}}");

    private JsonObject Status(string name = "compute") =>
        Registry.Cache(BuiltInKinds.ResourceQuota).Get("default", name)?.ToJsonObject()["status"] as JsonObject ?? [];

    private Task UntilUsedAsync(string used, string name = "compute") =>
        UntilAsync(s => s["used"]?.ToJsonString() == used, "used " + used, name);

    private async Task UntilAsync(Func<JsonObject, bool> condition, string what, string name = "compute")
    {
        for (var i = 0; i < 200; i++)
        {
            if (condition(Status(name)))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"quota {name} never had {what}; status: {Status(name).ToJsonString()}; controller: {_loop.Stats}, last failure: {_log.Last}");
    }
}

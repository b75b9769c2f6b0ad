using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>
/// One store served in two versions: autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscalers, core/v1 and
/// events.k8s.io/v1 Events. Every verb in either version sees and changes the same objects.
/// </summary>
public sealed class OtherVersionTests(ITestOutputHelper output)
{
    private const string V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    private const string V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    private const string CoreEvents = "/api/v1/namespaces/default/events";
    private const string NewEvents = "/apis/events.k8s.io/v1/namespaces/default/events";

    private const string V2WithTwoMetrics = """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":6,"metrics":[
           {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},
           {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}]}}
        """;

    [Fact]
    public async Task CreateV1_ReadInBothVersions_SameObjectWithTheCpuTargetAsAMetric()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (created, body) = await host.PostAsync(V1, """{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":5,"targetCPUUtilizationPercentage":70}}""");

        Assert.Equal(201, created);
        Assert.Equal("autoscaling/v1", body!["apiVersion"]!.GetValue<string>());
        Assert.Equal(70, body["spec"]!["targetCPUUtilizationPercentage"]!.GetValue<int>());
        Assert.Equal(1, body["spec"]!["minReplicas"]!.GetValue<int>());
        var v2 = (await host.GetAsync(V2 + "/web")).Body!;
        Assert.Equal("autoscaling/v2", v2["apiVersion"]!.GetValue<string>());
        Assert.Equal(70, v2["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]!.GetValue<int>());
        Assert.Equal(body["metadata"]!["uid"]!.GetValue<string>(), v2["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(body["metadata"]!["resourceVersion"]!.GetValue<string>(), v2["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplaceThroughV1_ObjectWithMetricsV1CannotSay_KeepsThemAll()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        Assert.Equal(201, (await host.PostAsync(V2, V2WithTwoMetrics)).Status);

        // A v1 client reads, changes maxReplicas and writes the whole object back.
        var v1 = (await host.GetAsync(V1 + "/web")).Body!.AsObject();
        Assert.Equal(60, v1["spec"]!["targetCPUUtilizationPercentage"]!.GetValue<int>());
        Assert.NotNull(v1["metadata"]!["annotations"]!["autoscaling.alpha.kubernetes.io/metrics"]);
        v1["spec"]!["maxReplicas"] = 8;
        var (replaced, answer) = await host.PutAsync(V1 + "/web", v1.ToJsonString());

        Assert.Equal(200, replaced);
        Assert.Equal(8, answer!["spec"]!["maxReplicas"]!.GetValue<int>());
        var v2 = (await host.GetAsync(V2 + "/web")).Body!;
        Assert.Equal(8, v2["spec"]!["maxReplicas"]!.GetValue<int>());
        var metrics = v2["spec"]!["metrics"]!.AsArray();
        Assert.Equal(["Pods", "Resource"], metrics.Select(m => m!["type"]!.GetValue<string>()));
        Assert.Null(v2["metadata"]!["annotations"]);
    }

    [Fact]
    public async Task PatchThroughV1_MergeAndJsonPatches_ApplyToTheV1ShapeAndRaiseTheVersion()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var first = (await host.PostAsync(V2, V2WithTwoMetrics)).Body!;

        var (merged, body) = await host.PatchAsync(V1 + "/web", """{"spec":{"targetCPUUtilizationPercentage":40}}""");
        var (patched, _) = await host.PatchAsync(V1 + "/web", """[{"op":"replace","path":"/spec/maxReplicas","value":9}]""", "application/json-patch+json");

        Assert.Equal(200, merged);
        Assert.Equal(40, body!["spec"]!["targetCPUUtilizationPercentage"]!.GetValue<int>());
        Assert.Equal(200, patched);
        var v2 = (await host.GetAsync(V2 + "/web")).Body!;
        Assert.Equal(9, v2["spec"]!["maxReplicas"]!.GetValue<int>());
        Assert.Equal(40, v2["spec"]!["metrics"]![1]!["resource"]!["target"]!["averageUtilization"]!.GetValue<int>());
        Assert.Equal("Pods", v2["spec"]!["metrics"]![0]!["type"]!.GetValue<string>());
        Assert.True(long.Parse(v2["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(first["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task PatchThroughV1_StaleResourceVersionInThePatch_Conflict()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(V2, V2WithTwoMetrics);

        var (status, body) = await host.PatchAsync(V1 + "/web", """{"metadata":{"resourceVersion":"1"},"spec":{"maxReplicas":3}}""");

        Assert.Equal(409, status);
        Assert.Equal("Conflict", body!["reason"]!.GetValue<string>());
        Assert.Equal(6, (await host.GetAsync(V2 + "/web")).Body!["spec"]!["maxReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task ApplyThroughV1_CreatesThenChanges_ObjectInBothVersions()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        const string Applied = """{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":4,"targetCPUUtilizationPercentage":50}}""";

        var (created, _) = await host.PatchAsync(V1 + "/web?fieldManager=tester", Applied, "application/apply-patch+yaml");
        var (changed, body) = await host.PatchAsync(V1 + "/web?fieldManager=tester", Applied.Replace("\"maxReplicas\":4", "\"maxReplicas\":7", StringComparison.Ordinal), "application/apply-patch+yaml");

        Assert.Equal(201, created);
        Assert.Equal(200, changed);
        Assert.Equal(7, body!["spec"]!["maxReplicas"]!.GetValue<int>());
        Assert.Equal(7, (await host.GetAsync(V2 + "/web")).Body!["spec"]!["maxReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task ApplyThroughV1_BodyNotAnObjectOrNoFieldManager_BadRequestAsForStoredKinds()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(V2, V2WithTwoMetrics);

        var (list, listBody) = await host.PatchAsync(V1 + "/web?fieldManager=tester", "[1, 2]", "application/apply-patch+yaml");
        var (unnamed, unnamedBody) = await host.PatchAsync(V1 + "/web", """{"spec":{"maxReplicas":3}}""", "application/apply-patch+yaml");

        Assert.Equal(400, list);
        Assert.Equal("the patch must be a JSON object", listBody!["message"]!.GetValue<string>());
        Assert.Equal(400, unnamed);
        Assert.Contains("must include a fieldManager query parameter", unnamedBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndWatchV1_ObjectsWrittenThroughV2_ArriveInV1()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(V2, V2WithTwoMetrics);
        var version = (await host.GetAsync(V1)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        var watch = WatchClient.ReadAsync(host, V1 + "?watch=true&resourceVersion=" + version, 2);
        await host.PatchAsync(V2 + "/web", """{"spec":{"maxReplicas":3}}""");
        await host.DeleteAsync(V2 + "/web");
        var events = await watch;

        Assert.Equal(["MODIFIED", "DELETED"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal("autoscaling/v1", e["object"]!["apiVersion"]!.GetValue<string>()));
        Assert.Equal(3, events[0]["object"]!["spec"]!["maxReplicas"]!.GetValue<int>());
        Assert.Equal(60, events[0]["object"]!["spec"]!["targetCPUUtilizationPercentage"]!.GetValue<int>());
    }

    [Fact]
    public async Task ListV1_AsTable_PrintsTheAutoscalerColumns()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(V2, V2WithTwoMetrics);

        var (status, table) = await host.GetAsync(V1 + "?includeObject=Object", "application/json;as=Table;v=v1;g=meta.k8s.io");

        Assert.Equal(200, status);
        var cells = table!["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("Deployment/web", cells[1]!.GetValue<string>());
        Assert.Equal("<unknown>/10, cpu: <unknown>/60%", cells[2]!.GetValue<string>());
        Assert.Equal("autoscaling/v1", table["rows"]![0]!["object"]!["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateV1_InvalidBounds_InvalidNamingTheV1Kind()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(V1, """{"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":3,"maxReplicas":2}}""");

        Assert.Equal(422, status);
        Assert.Contains("spec.maxReplicas", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateThroughEventsApi_ReadAsCoreEvent_SameEventUnderCoreNames()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (created, body) = await host.PostAsync(NewEvents, """
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web.1"},"eventTime":"2026-01-01T00:00:00.000000Z",
             "reportingController":"example.com/ctl","reportingInstance":"ctl-1","action":"Scaling","reason":"ScaledUp","note":"up","type":"Normal",
             "regarding":{"kind":"Deployment","name":"web","namespace":"default"}}
            """);

        Assert.Equal(201, created);
        Assert.Equal("up", body!["note"]!.GetValue<string>());
        var core = (await host.GetAsync(CoreEvents + "/web.1")).Body!;
        Assert.Equal("up", core["message"]!.GetValue<string>());
        Assert.Equal("example.com/ctl", core["reportingComponent"]!.GetValue<string>());
        Assert.Equal("web", core["involvedObject"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateThroughEventsApi_LegacyShapedEvent_InvalidAsUpstream()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(NewEvents, """{"metadata":{"name":"e"},"reason":"R","type":"Normal","regarding":{"kind":"Pod","name":"p","namespace":"default"},"deprecatedCount":2}""");

        Assert.Equal(422, status);
        var fields = body!["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ToArray();
        Assert.Contains("eventTime", fields);
        Assert.Contains("count", fields);
        Assert.StartsWith("Event.events.k8s.io \"e\" is invalid: [", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await host.GetAsync(CoreEvents + "/e")).Status);
        var (missing, notFound) = await host.GetAsync(NewEvents + "/e");
        Assert.Equal(404, missing);
        Assert.Equal("events.events.k8s.io \"e\" not found", notFound!["message"]!.GetValue<string>());
        Assert.Equal("events.k8s.io", notFound["details"]!["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListThroughEventsApi_CoreEvents_NewerNames()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(CoreEvents, """{"metadata":{"name":"p.1"},"involvedObject":{"kind":"Pod","name":"p","namespace":"default"},"reason":"Pulled","message":"pulled","count":2,"type":"Normal"}""");

        var list = (await host.GetAsync(NewEvents)).Body!;

        Assert.Equal("EventList", list["kind"]!.GetValue<string>());
        Assert.Equal("events.k8s.io/v1", list["apiVersion"]!.GetValue<string>());
        var item = list["items"]![0]!;
        Assert.Equal("pulled", item["note"]!.GetValue<string>());
        Assert.Equal(2, item["deprecatedCount"]!.GetValue<int>());
        Assert.Equal("p", item["regarding"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListThroughEventsApi_FieldSelectorsInTheNewerNames_SelectTheCoreFields()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(CoreEvents, """{"metadata":{"name":"p.1"},"involvedObject":{"kind":"Pod","name":"p","namespace":"default"},"reason":"Pulled","type":"Normal"}""");
        await host.PostAsync(CoreEvents, """{"metadata":{"name":"q.1"},"involvedObject":{"kind":"Pod","name":"q","namespace":"default"},"reason":"Pulled","type":"Warning"}""");

        var byRegarding = (await host.GetAsync(NewEvents + "?fieldSelector=regarding.name%3Dq")).Body!;
        var byType = (await host.GetAsync(NewEvents + "?fieldSelector=type%3DNormal")).Body!;
        var (unknown, why) = await host.GetAsync(NewEvents + "?fieldSelector=involvedObject.name%3Dq");

        Assert.Equal(["q.1"], byRegarding["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(["p.1"], byType["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(400, unknown);
        Assert.Equal("field label not supported: involvedObject.name", why!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_Autoscaling_V2PreferredAndV1Served()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var group = (await host.GetAsync("/apis/autoscaling")).Body!;
        var resources = (await host.GetAsync("/apis/autoscaling/v1")).Body!;

        Assert.Equal("autoscaling/v2", group["preferredVersion"]!["groupVersion"]!.GetValue<string>());
        Assert.Equal(["v2", "v1"], group["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()));
        Assert.Contains(resources["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "horizontalpodautoscalers/status");
    }
}

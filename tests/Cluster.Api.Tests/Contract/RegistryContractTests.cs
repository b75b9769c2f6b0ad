using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>The registry's rules, through the HTTP API, on every journal backend.</summary>
public sealed class RegistryContractTests(ITestOutputHelper output)
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    public static TheoryData<string> Backends => ApiTestHost.Backends();

    internal static string Pod(string name, string labels = "{\"app\":\"web\"}") =>
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"spec":{"containers":[{"name":"app","image":"busybox:1.36","x-unknown-to-us":"kept"}]}}""";

    internal static string Deployment(string name, int replicas = 1) =>
        $$$$$$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{{{{{name}}}}}}"},"spec":{"replicas":{{{{{{replicas}}}}}},"selector":{"matchLabels":{"app":"{{{{{{name}}}}}}"}},"template":{"metadata":{"labels":{"app":"{{{{{{name}}}}}}"}},"spec":{"containers":[{"name":"app","image":"busybox:1.36"}]}}}}""";

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Create_NewObject_GetsUidTimestampAndResourceVersionAndRoundTripsEveryField(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);

        var (status, created) = await host.PostAsync(Pods, Pod("web"));

        Assert.Equal(201, status);
        var metadata = created!["metadata"]!;
        Assert.False(string.IsNullOrEmpty(metadata["uid"]!.GetValue<string>()));
        Assert.EndsWith("Z", metadata["creationTimestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(long.Parse(metadata["resourceVersion"]!.GetValue<string>()) > 0);
        Assert.Equal("kept", created["spec"]!["containers"]![0]!["x-unknown-to-us"]!.GetValue<string>());
        var (getStatus, fetched) = await host.GetAsync(Pods + "/web");
        Assert.Equal(200, getStatus);
        Assert.True(JsonNode.DeepEquals(created, fetched));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Create_Twice_IsAlreadyExists(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        await host.PostAsync(Pods, Pod("web"));

        var (status, body) = await host.PostAsync(Pods, Pod("web"));

        Assert.Equal(409, status);
        Assert.Equal("AlreadyExists", body!["reason"]!.GetValue<string>());
        Assert.Equal("pods \"web\" already exists", body["message"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Update_WithStaleResourceVersion_IsConflictAndChangesNothing(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        var (_, created) = await host.PostAsync(ConfigMaps, """{"metadata":{"name":"cfg"},"data":{"a":"1"}}""");
        var first = created!.DeepClone();
        first["data"]!["a"] = "2";
        var (okStatus, updated) = await host.PutAsync(ConfigMaps + "/cfg", first.ToJsonString());
        Assert.Equal(200, okStatus);

        var stale = created.DeepClone();
        stale["data"]!["a"] = "3";
        var (status, body) = await host.PutAsync(ConfigMaps + "/cfg", stale.ToJsonString());

        Assert.Equal(409, status);
        Assert.Equal("Conflict", body!["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, current) = await host.GetAsync(ConfigMaps + "/cfg");
        Assert.Equal("2", current!["data"]!["a"]!.GetValue<string>());
        Assert.Equal(updated!["metadata"]!["resourceVersion"]!.GetValue<string>(), current["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Generation_RisesOnSpecChangesOnly(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        var (_, created) = await host.PostAsync(Deployments, Deployment("api"));
        Assert.Equal(1, created!["metadata"]!["generation"]!.GetValue<long>());

        var (_, labelled) = await host.PatchAsync(Deployments + "/api", """{"metadata":{"labels":{"tier":"backend"}}}""");
        Assert.Equal(1, labelled!["metadata"]!["generation"]!.GetValue<long>());

        var (_, withStatus) = await host.PatchAsync(Deployments + "/api/status", """{"status":{"replicas":1,"observedGeneration":1}}""");
        Assert.Equal(1, withStatus!["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, withStatus["status"]!["replicas"]!.GetValue<long>());

        var (_, scaled) = await host.PatchAsync(Deployments + "/api", """{"spec":{"replicas":3}}""");
        Assert.Equal(2, scaled!["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, scaled["status"]!["replicas"]!.GetValue<long>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Delete_WithFinalizer_OnlyMarksUntilTheLastFinalizerIsRemoved(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        await host.PostAsync(ConfigMaps, """{"metadata":{"name":"held","finalizers":["example.com/hold"]}}""");

        var (status, marked) = await host.DeleteAsync(ConfigMaps + "/held");

        Assert.Equal(200, status);
        Assert.NotNull(marked!["metadata"]!["deletionTimestamp"]);
        var (stillThere, _) = await host.GetAsync(ConfigMaps + "/held");
        Assert.Equal(200, stillThere);
        var (forbidden, _) = await host.PatchAsync(ConfigMaps + "/held", """{"metadata":{"finalizers":["example.com/hold","example.com/other"]}}""");
        Assert.Equal(422, forbidden);

        var (released, _) = await host.PatchAsync(ConfigMaps + "/held", """{"metadata":{"finalizers":null}}""");
        Assert.Equal(200, released);
        var (gone, body) = await host.GetAsync(ConfigMaps + "/held");
        Assert.Equal(404, gone);
        Assert.Equal("NotFound", body!["reason"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Restart_KeepsObjectsWithTheSameUidAndResourceVersion(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        var (_, created) = await host.PostAsync(Pods, Pod("durable"));
        var (_, patched) = await host.PatchAsync(Pods + "/durable", """{"metadata":{"annotations":{"note":"x"}}}""");

        await host.RestartAsync();

        var (status, fetched) = await host.GetAsync(Pods + "/durable");
        Assert.Equal(200, status);
        Assert.Equal(created!["metadata"]!["uid"]!.GetValue<string>(), fetched!["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(patched!["metadata"]!["resourceVersion"]!.GetValue<string>(), fetched["metadata"]!["resourceVersion"]!.GetValue<string>());
        var (_, namespaces) = await host.GetAsync("/api/v1/namespaces");
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], namespaces!["items"]!.AsArray().Select(n => n!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task DeleteNamespace_WithObjects_TerminatesAndRefusesNewContent(string backend)
    {
        // Emptying and finalizing it is the namespace controller's part (Cluster.Node.Tests' NamespaceControllerTests).
        await using var host = await ApiTestHost.StartAsync(backend, output);
        await host.PostAsync("/api/v1/namespaces", """{"metadata":{"name":"doomed"}}""");
        await host.PostAsync("/api/v1/namespaces/doomed/configmaps", """{"metadata":{"name":"a"}}""");
        await host.PostAsync("/api/v1/namespaces/doomed/pods", Pod("p"));

        var (status, terminating) = await host.DeleteAsync("/api/v1/namespaces/doomed");

        Assert.Equal(200, status);
        Assert.Equal("Terminating", terminating!["status"]!["phase"]!.GetValue<string>());
        var (refused, _) = await host.PostAsync("/api/v1/namespaces/doomed/configmaps", """{"metadata":{"name":"late"}}""");
        Assert.True(refused is 403 or 404, $"create in a terminating namespace answered {refused}");
        Assert.Equal(200, (await host.GetAsync("/api/v1/namespaces/doomed")).Status);
    }
}

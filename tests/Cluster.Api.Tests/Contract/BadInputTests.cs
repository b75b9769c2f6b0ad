using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>Bad input gets a clear Status, and nothing is half written.</summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task MalformedJson_IsBadRequestAndStoresNothing()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(ConfigMaps, """{"metadata":{"name":"x"},"data":{"a":""");

        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body!["reason"]!.GetValue<string>());
        Assert.Equal(404, (await host.GetAsync(ConfigMaps + "/x")).Status);
    }

    [Fact]
    public async Task MalformedYaml_IsBadRequest()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.SendAsync(HttpMethod.Post, ConfigMaps, "metadata:\n  name: x\n data: [", "application/yaml");

        Assert.Equal(400, status);
        Assert.Contains("YAML", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task YamlBody_IsAccepted()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.SendAsync(HttpMethod.Post, ConfigMaps, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  count: \"3\"\n", "application/yaml");

        Assert.Equal(201, status);
        Assert.Equal("3", body!["data"]!["count"]!.GetValue<string>());
    }

    [Fact]
    public async Task BodyOverTheLimit_IsRequestEntityTooLarge()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var huge = new string('x', 3 * 1024 * 1024 + 10);

        var (status, body) = await host.PostAsync(ConfigMaps, $$$"""{"metadata":{"name":"big"},"data":{"a":"{{{huge}}}"}}""");

        Assert.Equal(413, status);
        Assert.Equal("RequestEntityTooLarge", body!["reason"]!.GetValue<string>());
        Assert.Equal(404, (await host.GetAsync(ConfigMaps + "/big")).Status);
    }

    [Fact]
    public async Task InvalidName_IsInvalidNamingTheField()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(ConfigMaps, """{"metadata":{"name":"Not_Valid"}}""");

        Assert.Equal(422, status);
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
        Assert.Equal("metadata.name", body["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingNamespace_IsNotFound()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync("/api/v1/namespaces/nowhere/configmaps", """{"metadata":{"name":"x"}}""");

        Assert.Equal(404, status);
        Assert.Equal("namespaces \"nowhere\" not found", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownPatchType_IsUnsupportedMediaType()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(ConfigMaps, """{"metadata":{"name":"x"}}""");

        var (status, body) = await host.PatchAsync(ConfigMaps + "/x", "{}", "text/plain");

        Assert.Equal(415, status);
        Assert.Equal("UnsupportedMediaType", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task KindMismatch_IsBadRequest()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, _) = await host.PostAsync(ConfigMaps, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""");

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task DryRun_RunsTheRulesButStoresNothing()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(ConfigMaps + "?dryRun=All", """{"metadata":{"name":"dry"}}""");

        Assert.Equal(201, status);
        Assert.Equal("dry", body!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(404, (await host.GetAsync(ConfigMaps + "/dry")).Status);
    }
}

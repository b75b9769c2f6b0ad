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

    [Theory]
    [InlineData(100, 201)]
    [InlineData(3 * 1024 * 1024 + 10, 413)]
    public async Task ChunkedBody_WithoutContentLength_IsReadUpToTheLimit(int valueLength, int expected)
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var json = $$$"""{"metadata":{"name":"chunked"},"data":{"a":"{{{new string('x', valueLength)}}}"}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps)
        {
            // A stream of unknown length: sent with Transfer-Encoding: chunked, no Content-Length.
            Content = new StreamContent(new UnseekableStream(System.Text.Encoding.UTF8.GetBytes(json))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await host.Client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal(expected == 201 ? 200 : 404, (await host.GetAsync(ConfigMaps + "/chunked")).Status);
    }

    /// <summary>A stream whose length is unknown, so HttpClient sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
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

    [Fact]
    public async Task DeeplyNestedYaml_IsBadRequestNotACrash()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var deep = "metadata:\n  name: deep\ndata:\n  a: " + new string('[', 200_000) + new string(']', 200_000) + "\n";

        var (status, body) = await host.SendAsync(HttpMethod.Post, ConfigMaps, deep, "application/yaml");

        Assert.Equal(400, status);
        Assert.Contains("deeper than 64", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await host.GetAsync("/api/v1/namespaces")).Status);
    }

    [Fact]
    public async Task YamlAliases_AreRefused()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var bomb = "metadata:\n  name: bomb\n  labels: &a {x: y}\n  annotations: *a\n";

        var (status, body) = await host.SendAsync(HttpMethod.Post, ConfigMaps, bomb, "application/yaml");

        Assert.Equal(400, status);
        Assert.Contains("aliases", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeeplyNestedJson_IsBadRequest()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var deep = "{\"metadata\":{\"name\":\"deep\"},\"data\":{\"a\":\"b\"},\"x\":" + new string('[', 100) + new string(']', 100) + "}";

        var (status, _) = await host.PostAsync(ConfigMaps, deep);

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task WrongFieldType_IsBadRequestNamingTheField()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync("/apis/apps/v1/namespaces/default/deployments", """{"metadata":{"name":"d"},"spec":{"replicas":"three","selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");

        Assert.Equal(400, status);
        Assert.Contains("spec.replicas", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownField_UnderStrict_IsBadRequest_UnderWarn_IsAWarningAndKept()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        const string body = """{"metadata":{"name":"u"},"data":{"a":"b"},"extra":1}""";

        var (strict, error) = await host.PostAsync(ConfigMaps + "?fieldValidation=Strict", body);
        Assert.Equal(400, strict);
        Assert.Contains("unknown field \"extra\"", error!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps + "?fieldValidation=Warn") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("unknown field", StringComparison.Ordinal));
        Assert.Equal(1, (await host.GetAsync(ConfigMaps + "/u")).Body!["extra"]!.GetValue<int>());
    }
}

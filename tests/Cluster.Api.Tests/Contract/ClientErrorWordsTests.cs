using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>Inputs that once answered 500, or 4xx in the runtime's words: now the client's error, said in the API's.</summary>
public sealed class ClientErrorWordsTests(ITestOutputHelper output)
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task WatchTimeoutBeyondATimer_IsClampedAndTheWatchStarts()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/pods?watch=1&timeoutSeconds=999999999999");

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task JsonBodyWithInvalidUtf8_IsBadRequestAndStoresNothing()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var body = "{\"metadata\":{\"name\":\"bad\"},\"data\":{\"a\":\"x\u00ffy\"}}"u8.ToArray();
        body[Array.IndexOf(body, (byte)'x') + 1] = 0xFF;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await host.Client.PostAsync(new Uri(ConfigMaps, UriKind.Relative), content);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("the body of the request could not be decoded as JSON: it is not valid UTF-8", status["message"]!.GetValue<string>());
        Assert.Equal(404, (await host.GetAsync(ConfigMaps + "/bad")).Status);
    }

    [Fact]
    public async Task MalformedJson_SaysWhereInTheApisWords()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(ConfigMaps, "{\"metadata\":\n {\"name\": x}}");

        Assert.Equal(400, status);
        Assert.Equal("the body of the request could not be decoded as JSON: invalid JSON at line 2, byte 11", body!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("garbage!", "continue key is not valid: it is not base64")]
    [InlineData("bm90IGpzb24=", "continue key is not valid: it does not hold a continue token")]
    [InlineData("e30=", "continue key is not valid: it names no start key")]
    [InlineData("eyJzdGFydCI6IngiLCJydiI6MH0=", "continue key is not valid: its resource version is missing or not positive")]
    public async Task BadContinueToken_BadRequestInTheApisWords(string token, string message)
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.GetAsync("/api/v1/pods?limit=1&continue=" + Uri.EscapeDataString(token));

        Assert.Equal(400, status);
        Assert.Equal(message, body!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("application/json-patch+json", """[{"op":"remove","path":"/metadata"}]""")]
    [InlineData("application/merge-patch+json", """{"metadata":null}""")]
    [InlineData("application/strategic-merge-patch+json", """{"$patch":"delete"}""")]
    [InlineData("application/merge-patch+json", """{"metadata":{"name":"other"}}""")]
    public async Task PatchTakingTheNameAway_BadRequestNamingIt_NotAConflict(string type, string patch)
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        Assert.Equal(201, (await host.PostAsync(ConfigMaps, """{"metadata":{"name":"cm"},"data":{"a":"1"}}""")).Status);

        var (status, body) = await host.PatchAsync(ConfigMaps + "/cm", patch, type);

        Assert.Equal(400, status);
        Assert.Matches("^the name of the object \\((other)?\\) does not match the name on the URL \\(cm\\)$", body!["message"]!.GetValue<string>());
        Assert.Equal("1", (await host.GetAsync(ConfigMaps + "/cm")).Body!["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchRemovingOnlyTheResourceVersion_IsAnUnconditionalPatch()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        Assert.Equal(201, (await host.PostAsync(ConfigMaps, """{"metadata":{"name":"cm"},"data":{"a":"1"}}""")).Status);

        var (status, body) = await host.PatchAsync(ConfigMaps + "/cm", """[{"op":"remove","path":"/metadata/resourceVersion"},{"op":"replace","path":"/data/a","value":"2"}]""", "application/json-patch+json");

        Assert.Equal(200, status);
        Assert.Equal("2", body!["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownFieldWithANonAsciiName_WarnedWithTheNameEscaped_NotA500()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        using var content = new StringContent("{\"metadata\":{\"name\":\"w\"},\"data\":{},\"sp\u00e9c\":1}", System.Text.Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(new Uri(ConfigMaps, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("299 - \"unknown field \\\"sp\\u00e9c\\\"\"", Assert.Single(response.Headers.GetValues("Warning")));
    }

    [Theory]
    [InlineData("?gracePeriodSeconds=99999999999999", 30)]
    [InlineData("", 99999999999999)]
    public async Task DeleteWithAGraceBeyondTheCalendar_IsClampedNotA500(string query, long specGrace)
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var pod = $$$"""{"metadata":{"name":"p"},"spec":{"nodeName":"n","terminationGracePeriodSeconds":{{{specGrace}}},"containers":[{"name":"c","image":"i"}]}}""";
        Assert.Equal(201, (await host.PostAsync("/api/v1/namespaces/default/pods", pod)).Status);

        var (status, body) = await host.DeleteAsync("/api/v1/namespaces/default/pods/p" + query);

        Assert.Equal(200, status);
        Assert.Equal(100L * 365 * 24 * 3600, body!["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>());
    }
}

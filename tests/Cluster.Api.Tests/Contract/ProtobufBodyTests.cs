using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Cluster.Api.Tests.Protobuf;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>Protobuf request bodies over HTTP: the captured kubectl bodies create their objects; broken ones are 400s and the server stays up.</summary>
public sealed class ProtobufBodyTests(ITestOutputHelper output)
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task CapturedConfigMapBody_CreatesTheObject_AnswersJson()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        Assert.Equal(201, (await host.PostAsync("/api/v1/namespaces", """{"metadata":{"name":"shop"}}""")).Status);

        var (status, body) = await PostProtobufAsync(host, "/api/v1/namespaces/shop/configmaps", CapturedBodies.Body("configmap"));

        Assert.Equal(201, status);
        Assert.Equal("hello", body!["data"]!["greeting"]!.GetValue<string>());
        Assert.Equal("hello", (await host.GetAsync("/api/v1/namespaces/shop/configmaps/cfg")).Body!["data"]!["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task KindThatDisagreesWithTheUrl_IsBadRequest()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await PostProtobufAsync(host, "/api/v1/namespaces/default/secrets", ProtobufBodyDecoderTests.Envelope("v1", "ConfigMap", [0x0a, 0x03, 0x0a, 0x01, (byte)'x']));

        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body!["reason"]!.GetValue<string>());
        Assert.Equal(404, (await host.GetAsync("/api/v1/namespaces/default/secrets/x")).Status);
    }

    [Fact]
    public async Task TruncatedBitFlippedAndOversizedBodies_AreClientErrors_AndTheServerStaysUp()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var random = new Random(61206);
        var original = ProtobufBodyDecoderTests.Envelope("v1", "ConfigMap", [0x0a, 0x05, 0x0a, 0x03, (byte)'c', (byte)'m', (byte)'1', 0x12, 0x06, 0x0a, 0x01, (byte)'a', 0x12, 0x01, (byte)'b']);
        var bodies = new List<byte[]>();
        for (var length = 0; length < original.Length; length++)
        {
            bodies.Add(original[..length]);
        }

        for (var i = 0; i < 60; i++)
        {
            var flipped = (byte[])original.Clone();
            var bit = random.Next(32, flipped.Length * 8);
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            bodies.Add(flipped);
        }

        var oversized = new byte[3 * 1024 * 1024 + 10];
        original.CopyTo(oversized, 0);
        bodies.Add(oversized);

        foreach (var body in bodies)
        {
            var (status, answer) = await PostProtobufAsync(host, ConfigMaps, body);
            Assert.True(status is 201 or 400 or 409 or 413 or 422, $"{status}: {answer?.ToJsonString()}");
            Assert.Equal(status == 201 ? "ConfigMap" : "Status", answer?["kind"]?.GetValue<string>());
        }

        Assert.Equal(200, (await host.GetAsync(ConfigMaps)).Status);
    }

    private static async Task<(int Status, JsonNode? Body)> PostProtobufAsync(ApiTestHost host, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Accept.ParseAdd("application/vnd.kubernetes.protobuf,application/json");
        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}

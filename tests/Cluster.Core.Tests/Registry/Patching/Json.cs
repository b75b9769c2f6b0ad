using System.Text.Json.Nodes;

namespace Cluster.Core.Tests.Registry.Patching;

/// <summary>Parses test documents and compares JSON trees (object member order ignored, list order kept).</summary>
internal static class Json
{
    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    public static JsonObject Object(string json) => (JsonObject)Parse(json);

    public static void Equal(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"expected {expectedNode?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
    }
}

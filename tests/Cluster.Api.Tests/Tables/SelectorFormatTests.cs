using System.Text.Json.Nodes;
using Cluster.Api.Tables;

namespace Cluster.Api.Tests.Tables;

public sealed class SelectorFormatTests
{
    [Theory]
    [InlineData(null, "<none>")]
    [InlineData("{}", "<none>")]
    [InlineData("""{"matchLabels":{"b":"2","a":"1"}}""", "a=1,b=2")]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"NotIn","values":["z","a"]},{"key":"app","operator":"Exists"},{"key":"legacy","operator":"DoesNotExist"}]}""", "app,env notin (a,z),!legacy")]
    [InlineData("""{"matchLabels":{"tier":"fe"},"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]}""", "app in (web),tier=fe")]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"In","values":[]}]}""", "<error>")]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"Exists","values":["x"]}]}""", "<error>")]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"Gt","values":["1"]}]}""", "<error>")]
    public void Selector_LabelSelector_FormatsLikeUpstream(string? json, string expected) =>
        Assert.Equal(expected, SelectorFormat.Selector(json is null ? null : JsonNode.Parse(json)));

    [Theory]
    [InlineData(null, "<none>")]
    [InlineData("{}", "<none>")]
    [InlineData("""{"z":"1","a":"2"}""", "a=2,z=1")]
    public void Labels_Map_SortedByKey(string? json, string expected) =>
        Assert.Equal(expected, SelectorFormat.Labels(json is null ? null : JsonNode.Parse(json)));
}

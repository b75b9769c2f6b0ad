using System.Text;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Core.Tests.Registry.Schemas;

public sealed class JsonDuplicateKeysTests
{
    [Fact]
    public void Find_NoDuplicates_ReturnsEmpty() =>
        Assert.Empty(Find(Manifests.Deployment));

    [Fact]
    public void Find_DuplicateTopLevelAndNestedKeys_ReportsFullPathsInDocumentOrder() =>
        Assert.Equal(["spec.replicas", "kind"], Find("""{"kind": "A", "spec": {"replicas": 1, "replicas": 2}, "kind": "B"}"""));

    [Fact]
    public void Find_DuplicateInListItem_ReportsIndexedPath() =>
        Assert.Equal(
            ["spec.containers[1].image"],
            Find("""{"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "x", "image": "y"}]}}"""));

    [Fact]
    public void Find_ScalarsAndNestedArrays_AdvanceTheIndex() =>
        Assert.Equal(["a[2][1].x"], Find("""{"a": [1, "two", [null, {"x": 1, "x": 2}]]}"""));

    [Fact]
    public void Find_SameKeyInSiblingObjects_IsNotADuplicate() =>
        Assert.Empty(Find("""{"items": [{"name": "a"}, {"name": "b"}], "meta": {"name": "c"}}"""));

    [Fact]
    public void Find_KeyRepeatedThreeTimes_ReportsEachRepeat() =>
        Assert.Equal(["x", "x"], Find("""{"x": 1, "x": 2, "x": 3}"""));

    [Theory]
    [InlineData("""{"a": 1, "a": 2, "b": """)]
    [InlineData("""{"a": 1, "a": }""")]
    [InlineData("")]
    [InlineData("[1, 2")]
    public void Find_MalformedJson_ReturnsWhatWasFoundWithoutThrowing(string json)
    {
        var found = Find(json);

        Assert.True(found.Count <= 1);
        Assert.All(found, path => Assert.Equal("a", path));
    }

    [Fact]
    public void Find_KeyNotUtf8_EndsQuietly()
    {
        // A YAML body that looked like JSON: its parse replaced the byte, this scan reads it raw.
        byte[] json = [.. "{\"a\": 1, \"b"u8, 0xFF, .. "\": 2}"u8];

        Assert.Empty(JsonDuplicateKeys.Find(json));
    }

    private static IReadOnlyList<string> Find(string json) => JsonDuplicateKeys.Find(Encoding.UTF8.GetBytes(json));
}

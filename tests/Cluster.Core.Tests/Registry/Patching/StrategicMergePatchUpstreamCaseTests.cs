using Cluster.Core.Registry;
using Cluster.Core.Registry.Patching;

namespace Cluster.Core.Tests.Registry.Patching;

/// <summary>Cases from apimachinery's strategicpatch tests (customStrategicMergePatchTestCaseData), on the same MergeItem schema.</summary>
public sealed class StrategicMergePatchUpstreamCaseTests
{
    private static readonly PatchSchema Inner = PatchSchema.Of(
        ("mergingList", PatchField.MergeBy("name")),
        ("mergingIntList", PatchField.Set()));

    private static readonly PatchSchema MergeItem = PatchSchema.Of(
        ("mergingList", PatchField.MergeBy("name", Inner)),
        ("mergingIntList", PatchField.Set()),
        ("retainKeysMap", new PatchField { RetainKeys = true, Schema = Inner }),
        ("retainKeysMergingList", PatchField.MergeBy("name", Inner, retainKeys: true)));

    [Theory]
    [InlineData("""{"mergingIntList":[1,2]}""", """{"mergingIntList":[2,3]}""", """{"mergingIntList":[1,2,3]}""")]
    [InlineData("""{"simpleMap":{"key1":1,"key2":1}}""", """{"simpleMap":{"$patch":"delete"}}""", """{"simpleMap":{}}""")]
    [InlineData("""{"mergingList":[{"name":1},{"name":2}]}""", """{"mergingList":[{"$patch":"replace"}]}""", """{"mergingList":[]}""")]
    [InlineData("""{"mergingList":[]}""", """{"mergingList":[]}""", """{"mergingList":[]}""")]
    [InlineData("""{"name":1,"value":1}""", """{"$patch":"replace"}""", """{}""")]
    [InlineData("""{"name":1,"value":1}""", """{"other":"a","$patch":"replace"}""", """{"other":"a"}""")]
    [InlineData("""{"mergingList":[{"name":1},{"name":1},{"name":2,"value":"a"},{"name":3},{"name":3}]}""", """{"mergingList":[{"name":1,"$patch":"delete"},{"name":3,"$patch":"delete"}]}""", """{"mergingList":[{"name":2,"value":"a"}]}""")]
    [InlineData("""{"retainKeysMap":{"name":"foo"}}""", """{"retainKeysMap":{"value":"bar"}}""", """{"retainKeysMap":{"name":"foo","value":"bar"}}""")]
    [InlineData("""{"retainKeysMap":{"name":"foo","value":"a"}}""", """{"retainKeysMap":{"value":null}}""", """{"retainKeysMap":{"name":"foo"}}""")]
    [InlineData("""{"retainKeysMap":{"name":"foo","value":"a"}}""", """{"retainKeysMap":{}}""", """{"retainKeysMap":{"name":"foo","value":"a"}}""")]
    [InlineData("""{"retainKeysMap":{"name":"foo","value":"a","other":"b"}}""", """{"retainKeysMap":{"$retainKeys":["name","value"],"value":"c"}}""", """{"retainKeysMap":{"name":"foo","value":"c"}}""")]
    [InlineData("""{"retainKeysMergingList":[{"name":"bar"},{"name":"foo","value":"a"}]}""", """{"retainKeysMergingList":[{"name":"foo","value":null}]}""", """{"retainKeysMergingList":[{"name":"bar"},{"name":"foo"}]}""")]
    [InlineData("""{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}""", """{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"other":"x"}]}""", """{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"value":"b","other":"x"}]}""")]
    [InlineData("""{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}""", """{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"}]}""", """{"mergingList":[{"name":2,"value":"b"},{"name":3,"value":"c"},{"name":1,"value":"a"}]}""")]
    [InlineData("""{"mergingIntList":[1,2,3]}""", """{"mergingIntList":[3,1,2]}""", """{"mergingIntList":[3,1,2]}""")]
    [InlineData("""{"mergingIntList":[1,2,3]}""", """{"mergingIntList":[3,1]}""", """{"mergingIntList":[2,3,1]}""")]
    [InlineData("""{"mergingList":[{"name":1},{"name":3}]}""", """{"$setElementOrder/mergingList":[{"name":3},{"name":2},{"name":1}],"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}""", """{"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}""")]
    [InlineData("""{"mergingIntList":[1,3]}""", """{"$setElementOrder/mergingIntList":[3,2,1]}""", """{"mergingIntList":[3,1]}""")]
    [InlineData("""{"mergingList":[{"name":"a"},{"name":"b"}]}""", """{"mergingList":[{"name":"c"}]}""", """{"mergingList":[{"name":"c"},{"name":"a"},{"name":"b"}]}""")]
    [InlineData("""{"mergingList":[{"name":"a"},{"name":"b"}]}""", """{"$setElementOrder/mergingList":[{"name":"a"},{"name":"b"},{"name":"c"}],"mergingList":[{"name":"c"}]}""", """{"mergingList":[{"name":"a"},{"name":"b"},{"name":"c"}]}""")]
    [InlineData("""{"nonMergingList":[{"name":"a"},{"name":"b"}]}""", """{"nonMergingList":[{"name":"c"}]}""", """{"nonMergingList":[{"name":"c"}]}""")]
    [InlineData("""{"mergingIntList":[1,2,3]}""", """{"$deleteFromPrimitiveList/mergingIntList":[2]}""", """{"mergingIntList":[1,3]}""")]
    [InlineData("""{"a":1}""", """{"$deleteFromPrimitiveList/mergingIntList":[2]}""", """{"a":1}""")]
    [InlineData("""{"a":1}""", """{"b":null,"c":{"d":null,"e":1},"mergingList":[{"name":"x","$patch":"delete"},{"name":"y"}]}""", """{"a":1,"c":{"e":1},"mergingList":[{"name":"y"}]}""")]
    [InlineData("""{"mergingList":[{"name":"a","mergingList":[{"name":"x","value":1}]}]}""", """{"mergingList":[{"name":"a","mergingList":[{"name":"x","other":2}]}]}""", """{"mergingList":[{"name":"a","mergingList":[{"name":"x","value":1,"other":2}]}]}""")]
    public void Apply_UpstreamCase_ProducesUpstreamResult(string original, string patch, string expected) =>
        Json.Equal(expected, StrategicMergePatch.Apply(Json.Parse(original), Json.Parse(patch), MergeItem));

    [Theory]
    [InlineData("""{"$setElementOrder/mergingList":[{"name":1},{"name":2}],"mergingList":[{"name":2},{"name":1}]}""")]
    [InlineData("""{"$setElementOrder/mergingList":{"name":1}}""")]
    [InlineData("""{"retainKeysMap":{"$retainKeys":["name"],"value":"x"}}""")]
    [InlineData("""{"retainKeysMap":{"$retainKeys":"name"}}""")]
    [InlineData("""{"$deleteFromPrimitiveList/mergingIntList":3}""")]
    [InlineData("""{"mergingList":[{"value":"no key"}]}""")]
    [InlineData("""{"mergingList":[{"name":1,"$patch":"merge"}]}""")]
    [InlineData("""{"mergingList":[{"name":1,"$patch":"explode"}]}""")]
    [InlineData("""{"simpleMap":{"$patch":"explode"}}""")]
    [InlineData("""{"mergingList":[{"name":1},"text"]}""")]
    public void Apply_MalformedPatch_Throws400(string patch)
    {
        var error = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Json.Parse("""{"mergingList":[{"name":1},{"name":2}],"simpleMap":{"a":"b"},"retainKeysMap":{"name":"n"}}"""), Json.Parse(patch), MergeItem));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
    }

    [Fact]
    public void Apply_ListOfLists_Throws422()
    {
        var error = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Json.Parse("""{"mergingIntList":[[1]]}"""), Json.Parse("""{"mergingIntList":[[2]]}"""), MergeItem));

        Assert.Equal(422, error.Code);
    }

    [Fact]
    public void Apply_PatchThatIsNotAnObject_Throws400() =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Json.Parse("{}"), Json.Parse("[1]"), MergeItem)).Code);
}

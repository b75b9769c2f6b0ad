using Cluster.Core.Registry;
using Cluster.Core.Registry.Patching;

namespace Cluster.Core.Tests.Registry.Patching;

public sealed class JsonPatchTests
{
    // RFC 6902 appendix A, in order.
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    public void Apply_Rfc6902AppendixExamples_ProduceTheRfcResult(string target, string patch, string expected) =>
        Json.Equal(expected, JsonPatch.Apply(Json.Parse(target), Json.Parse(patch)));

    [Theory]
    [InlineData("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""", "testing value /baz failed: test failed")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""", "add operation does not apply: doc is missing path: \"/baz/bat\": missing value")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""", "testing value /~01 failed: test failed")]
    public void Apply_Rfc6902AppendixErrors_Are422WithTheLibraryMessage(string target, string patch, string detail)
    {
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Json.Parse(target), Json.Parse(patch)));

        Assert.Equal(422, error.Code);
        Assert.Equal("Invalid", error.Reason);
        Assert.Equal("the server rejected our request due to an error in our request", error.Message);
        Assert.Equal(detail, Assert.Single(error.Details!.Causes!).Message);
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"remove","path":"/list/3"}]""")]
    [InlineData("""[{"op":"add","path":"/list/4","value":1}]""")]
    [InlineData("""[{"op":"replace","path":"/list/2","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/list/01","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/list/-1","value":1}]""")]
    [InlineData("""[{"op":"move","from":"/missing","path":"/x"}]""")]
    [InlineData("""[{"op":"copy","from":"/missing","path":"/x"}]""")]
    [InlineData("""[{"op":"move","from":"/obj","path":"/obj/inner"}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/x"}]""")]
    [InlineData("""[{"path":"/x","value":1}]""")]
    [InlineData("""[{"op":"add","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/x"}]""")]
    [InlineData("""[{"op":"remove","path":""}]""")]
    [InlineData("""[{"op":"add","path":"x","value":1}]""")]
    public void Apply_OperationThatCannotApply_Throws422(string patch)
    {
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Json.Parse("""{"list":[1,2],"obj":{"a":1}}"""), Json.Parse(patch)));

        Assert.Equal(422, error.Code);
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/x","value":1}""")]
    [InlineData("""["add"]""")]
    [InlineData("\"add\"")]
    public void Apply_PatchThatIsNotAListOfOperations_Throws400(string patch)
    {
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Json.Parse("{}"), Json.Parse(patch)));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
    }

    [Fact]
    public void Apply_FailingOperationAfterOthers_LeavesTheTargetUntouched()
    {
        var target = Json.Parse("""{"a":1}""");

        Assert.Throws<ApiException>(() => JsonPatch.Apply(target, Json.Parse("""[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}]""")));

        Json.Equal("""{"a":1}""", target);
    }

    [Fact]
    public void Apply_Copy_DuplicatesTheValueIndependently()
    {
        var result = JsonPatch.Apply(Json.Parse("""{"a":{"b":1}}"""), Json.Parse("""[{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}]"""));

        Json.Equal("""{"a":{"b":1},"c":{"b":2}}""", result);
    }

    [Fact]
    public void Apply_ReplaceOfMissingObjectMember_SetsItAsTheApiServerDoes() =>
        Json.Equal("""{"spec":{"replicas":3}}""", JsonPatch.Apply(Json.Parse("""{"spec":{}}"""), Json.Parse("""[{"op":"replace","path":"/spec/replicas","value":3}]""")));

    [Fact]
    public void Apply_EmptyPointer_ReplacesTheWholeDocument() =>
        Json.Equal("""{"b":2}""", JsonPatch.Apply(Json.Parse("""{"a":1}"""), Json.Parse("""[{"op":"test","path":"","value":{"a":1}},{"op":"replace","path":"","value":{"b":2}}]""")));

    [Fact]
    public void Apply_TestOfEqualNumbersWrittenDifferently_Passes() =>
        Json.Equal("""{"n":1}""", JsonPatch.Apply(Json.Parse("""{"n":1}"""), Json.Parse("""[{"op":"test","path":"/n","value":1.0}]""")));

    [Fact]
    public void Apply_RolloutUndoShape_ReplacesTemplateAndAnnotations()
    {
        var live = Json.Parse("""{"metadata":{"annotations":{"a":"1"}},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"v2"}]}}}}""");
        var patch = Json.Parse("""[{"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"app","image":"v1","resources":{}}]}}},{"op":"replace","path":"/metadata/annotations","value":{"b":"2"}}]""");

        Json.Equal("""{"metadata":{"annotations":{"b":"2"}},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"app","image":"v1","resources":{}}]}}}}""", JsonPatch.Apply(live, patch));
    }
}

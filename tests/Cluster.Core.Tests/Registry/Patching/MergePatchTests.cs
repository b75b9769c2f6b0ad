using Cluster.Core.Registry.Patching;

namespace Cluster.Core.Tests.Registry.Patching;

public sealed class MergePatchTests
{
    // RFC 7386 appendix A, every row.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Apply_Rfc7386AppendixExamples_ProduceTheRfcResult(string target, string patch, string expected) =>
        Json.Equal(expected, MergePatch.Apply(Json.Parse(target), Json.Parse(patch)));

    [Fact]
    public void Apply_NullPatch_ReturnsNull() => Assert.Null(MergePatch.Apply(Json.Parse("""{"a":"b"}"""), null));

    [Fact]
    public void Apply_NullTarget_BuildsTheObjectWithoutNulls() =>
        Json.Equal("""{"a":{"b":1}}""", MergePatch.Apply(null, Json.Parse("""{"a":{"b":1,"c":null}}""")));

    [Fact]
    public void Apply_KubectlLabelRemoval_LeavesOtherLabelsAndInputsUntouched()
    {
        var live = Json.Parse("""{"metadata":{"name":"web","labels":{"app":"web","tier":"fe"}}}""");
        var patch = Json.Parse("""{"metadata":{"labels":{"app":null,"env":"prod"}}}""");

        var result = MergePatch.Apply(live, patch);

        Json.Equal("""{"metadata":{"name":"web","labels":{"tier":"fe","env":"prod"}}}""", result);
        Json.Equal("""{"metadata":{"name":"web","labels":{"app":"web","tier":"fe"}}}""", live);
        Json.Equal("""{"metadata":{"labels":{"app":null,"env":"prod"}}}""", patch);
    }

    [Fact]
    public void Apply_ExistingMember_KeepsItsPosition()
    {
        var result = MergePatch.Apply(Json.Parse("""{"a":{"x":1},"b":2}"""), Json.Parse("""{"a":{"y":2},"b":3}"""));

        Assert.Equal("""{"a":{"x":1,"y":2},"b":3}""", result!.ToJsonString());
    }
}

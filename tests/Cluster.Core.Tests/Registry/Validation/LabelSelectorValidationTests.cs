using System.Text.Json.Nodes;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Tests.Registry.Validation;

public class LabelSelectorValidationTests
{
    private static string[] Validate(string? json) =>
        LabelValidation.ValidateLabelSelector(json is null ? null : JsonNode.Parse(json), "spec.selector").Select(FieldErrors.Format).ToArray();

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{"matchLabels":{"app":"web"}}""")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In","values":["x"]},{"key":"b","operator":"Exists"}]}""")]
    public void ValidateLabelSelector_Valid_NoCauses(string? json)
    {
        Assert.Empty(Validate(json));
    }

    [Fact]
    public void ValidateLabelSelector_InWithoutValues_Required()
    {
        Assert.Equal(
            ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
            Validate("""{"matchExpressions":[{"key":"a","operator":"In"}]}"""));
    }

    [Fact]
    public void ValidateLabelSelector_ExistsWithValues_Forbidden()
    {
        Assert.Equal(
            ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
            Validate("""{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}"""));
    }

    [Fact]
    public void ValidateLabelSelector_UnknownOperatorAndBadKey_BothReported()
    {
        var causes = Validate("""{"matchExpressions":[{"key":"-a","operator":"Gt","values":["1"]}]}""");

        Assert.Equal(2, causes.Length);
        Assert.Equal("spec.selector.matchExpressions[0].operator: Invalid value: \"Gt\": not a valid selector operator", causes[0]);
        Assert.StartsWith("spec.selector.matchExpressions[0].key: Invalid value: \"-a\": name part must consist", causes[1]);
    }

    [Fact]
    public void ValidateLabelSelector_BadMatchLabelValue_Invalid()
    {
        var cause = Assert.Single(Validate("""{"matchLabels":{"app":"a b"}}"""));

        Assert.StartsWith("spec.selector.matchLabels: Invalid value: \"a b\": a valid label", cause);
    }

    [Fact]
    public void ValidateLabelSelector_WrongTypes_TypeInvalid()
    {
        Assert.Equal(["spec.selector: Invalid value: \"app=web\": must be of type object"], Validate("\"app=web\""));
        Assert.Equal(["spec.selector.matchExpressions: Invalid value: {}: must be of type array"], Validate("""{"matchExpressions":{}}"""));
    }
}

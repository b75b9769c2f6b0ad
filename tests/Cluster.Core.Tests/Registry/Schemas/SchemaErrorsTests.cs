using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Core.Tests.Registry.Schemas;

public sealed class SchemaErrorsTests
{
    private static readonly SchemaReport Unknown = new(["spec.foo", "spec.template.spec.containers[0].imagee"], []);

    private static readonly SchemaReport TypeError =
        new([], [new SchemaTypeError("spec.replicas", "int32", "string", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")]);

    [Fact]
    public void ForBody_StrictWithUnknownFields_Is400WithUpstreamMessage()
    {
        var error = SchemaErrors.ForBody(BuiltInKinds.Deployment, Unknown, FieldValidation.Strict);

        Assert.NotNull(error);
        Assert.Equal((400, "BadRequest"), (error.Code, error.Reason));
        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.template.spec.containers[0].imagee\"",
            error.Message);
    }

    [Fact]
    public void ForBody_StrictWithDuplicates_ListsDuplicatesFirst()
    {
        var error = SchemaErrors.ForBody(BuiltInKinds.Pod, new SchemaReport(["spec.foo"], []).WithDuplicates(["metadata.name"]), FieldValidation.Strict);

        Assert.Equal(
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.foo\"",
            error?.Message);
    }

    [Fact]
    public void ForBody_WarnWithUnknownFields_ProceedsWithOneWarningEach()
    {
        Assert.Null(SchemaErrors.ForBody(BuiltInKinds.Deployment, Unknown, FieldValidation.Warn));
        Assert.Equal(
            ["unknown field \"spec.foo\"", "unknown field \"spec.template.spec.containers[0].imagee\""],
            SchemaErrors.Warnings(Unknown, FieldValidation.Warn));
    }

    [Fact]
    public void ForBody_IgnoreWithUnknownFields_ProceedsSilently()
    {
        Assert.Null(SchemaErrors.ForBody(BuiltInKinds.Deployment, Unknown, FieldValidation.Ignore));
        Assert.Empty(SchemaErrors.Warnings(Unknown, FieldValidation.Ignore));
        Assert.Empty(SchemaErrors.Warnings(Unknown, FieldValidation.Strict));
    }

    [Theory]
    [InlineData(FieldValidation.Ignore)]
    [InlineData(FieldValidation.Warn)]
    [InlineData(FieldValidation.Strict)]
    public void ForBody_TypeError_Is400UnderEveryDirective(FieldValidation validation)
    {
        var error = SchemaErrors.ForBody(BuiltInKinds.Deployment, TypeError, validation);

        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            error?.Message);
        Assert.Equal(400, error?.Code);
    }

    [Fact]
    public void ForPatch_StrictWithUnknownFields_Is422InvalidOnPatchField()
    {
        var patched = new JsonObject { ["spec"] = new JsonObject { ["foo"] = 1 } }.ToJsonString();

        var error = SchemaErrors.ForPatch(new SchemaReport(["spec.foo"], []), FieldValidation.Strict, patched);

        Assert.NotNull(error);
        Assert.Equal((422, "Invalid"), (error.Code, error.Reason));
        Assert.Equal(" \"\" is invalid: patch: Invalid value: \"{\\\"spec\\\":{\\\"foo\\\":1}}\": strict decoding error: unknown field \"spec.foo\"", error.Message);
        var cause = Assert.Single(error.Details!.Causes!);
        Assert.Equal(("FieldValueInvalid", "patch"), (cause.Reason, cause.Field));
    }

    [Fact]
    public void ForPatch_CleanReport_IsNull() =>
        Assert.Null(SchemaErrors.ForPatch(SchemaReport.Clean, FieldValidation.Strict, "{}"));

    [Theory]
    [InlineData(null, FieldValidation.Warn)]
    [InlineData("", FieldValidation.Warn)]
    [InlineData("Warn", FieldValidation.Warn)]
    [InlineData("Strict", FieldValidation.Strict)]
    [InlineData("Ignore", FieldValidation.Ignore)]
    public void TryParseFieldValidation_KnownValues_Parse(string? value, FieldValidation expected)
    {
        Assert.True(SchemaErrors.TryParseFieldValidation(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("strict")]
    [InlineData("Bogus")]
    public void TryParseFieldValidation_OtherValues_Fail(string value) =>
        Assert.False(SchemaErrors.TryParseFieldValidation(value, out _));

    [Fact]
    public void UnsupportedFieldValidation_Is422NamingTheOptionsKind()
    {
        var error = SchemaErrors.UnsupportedFieldValidation("CreateOptions", "Bogus");

        Assert.Equal(422, error.Code);
        Assert.Equal(
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Bogus\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
            error.Message);
    }

    [Fact]
    public void StrictProblems_QuotesPathsLikeGo() =>
        Assert.Equal(["unknown field \"metadata.annotations.a\\\"b\""], new SchemaReport(["metadata.annotations.a\"b"], []).StrictProblems());
}

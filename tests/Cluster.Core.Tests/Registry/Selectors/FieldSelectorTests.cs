using Cluster.Core.Registry;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Core.Tests.Registry.Selectors;

public class FieldSelectorTests
{
    private static Func<string, string?> Fields(params (string Field, string Value)[] fields) =>
        name => fields.FirstOrDefault(f => f.Field == name).Value ?? (name.StartsWith("metadata.", StringComparison.Ordinal) ? "" : null);

    // Upstream's TestSelectorParse good strings, with the canonical text they print.
    [Theory]
    [InlineData("x=a,y=b,z=c", "x=a,y=b,z=c")]
    [InlineData("", "")]
    [InlineData("x!=a,y=b", "x!=a,y=b")]
    [InlineData("x=", "x=")]
    [InlineData("x= ", "x= ")]
    [InlineData("x=,z= ", "x=,z= ")]
    [InlineData("x= ,z= ", "x= ,z= ")]
    [InlineData("x==a", "x=a")]
    [InlineData("z=c,x=a", "x=a,z=c")]
    [InlineData(@"x=a\,b", @"x=a\,b")]
    [InlineData(@"x=a\=b", @"x=a\=b")]
    [InlineData(@"x=a\\b", @"x=a\\b")]
    [InlineData("=", "")]
    [InlineData(",,x=a,", "x=a")]
    public void Parse_ValidSelector_PrintsCanonicalForm(string text, string canonical)
    {
        Assert.Equal(canonical, FieldSelector.Parse(text).ToString());
    }

    [Theory]
    [InlineData("x=a||y=b", "invalid field selector: unescaped character in value: 61")]
    [InlineData("x==a==b", "invalid field selector: unescaped character in value: 61")]
    [InlineData("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'")]
    [InlineData("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'")]
    [InlineData("x", "invalid selector: 'x'; can't understand 'x'")]
    [InlineData(@"x=a\", @"invalid field selector: invalid escape sequence: \")]
    [InlineData(@"x=a\b", @"invalid field selector: invalid escape sequence: \b")]
    public void Parse_InvalidSelector_ThrowsUpstreamMessage(string text, string message)
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse(text));

        Assert.Equal(400, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_EscapedValues_AreUnescapedInRequirements()
    {
        var selector = FieldSelector.Parse(@"spec.nodeName!=a\,b\=c\\d,metadata.name==web");

        Assert.Equal(
            [new FieldRequirement("metadata.name", FieldOperator.Equals, "web"), new FieldRequirement("spec.nodeName", FieldOperator.NotEquals, @"a,b=c\d")],
            selector.Requirements);
    }

    [Theory]
    [InlineData("metadata.name=web", true)]
    [InlineData("metadata.name==web", true)]
    [InlineData("metadata.name!=web", false)]
    [InlineData("metadata.name=api", false)]
    [InlineData("metadata.name=web,status.phase=Running", true)]
    [InlineData("metadata.name=web,status.phase!=Running", false)]
    [InlineData("spec.nodeName=", true)]
    [InlineData("spec.nodeName!=", false)]
    [InlineData("", true)]
    public void Matches_ObjectFields_AsUpstream(string selector, bool expected)
    {
        var fields = Fields(("metadata.name", "web"), ("status.phase", "Running"), ("spec.nodeName", ""));

        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(fields));
    }

    [Fact]
    public void Matches_UnsupportedField_ThrowsBadRequest()
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse("spec.foo=bar").Matches(Fields()));

        Assert.Equal(400, error.Code);
        Assert.Equal("field label not supported: spec.foo", error.Message);
    }

    [Theory]
    [InlineData("metadata.name=web,spec.x=1", "metadata.name", true, "web")]
    [InlineData("metadata.name!=web,metadata.name=api", "metadata.name", true, "api")]
    [InlineData("metadata.name!=web", "metadata.name", false, "")]
    [InlineData("metadata.namespace=default", "metadata.name", false, "")]
    [InlineData(@"metadata.name=a\,b", "metadata.name", true, "a,b")]
    public void TryGetExactMatch_Selector_AsRequiresExactMatch(string selector, string field, bool found, string value)
    {
        Assert.Equal(found, FieldSelector.Parse(selector).TryGetExactMatch(field, out var actual));
        Assert.Equal(value, actual);
    }

    [Fact]
    public void EnsureSupported_UnknownFieldOnPlainKind_UsesGenericMessage()
    {
        var selector = FieldSelector.Parse("foo.bar=baz");

        var error = Assert.Throws<ApiException>(() => selector.EnsureSupported(BuiltInKinds.Deployment, f => f.StartsWith("metadata.", StringComparison.Ordinal)));

        Assert.Equal(400, error.Code);
        Assert.Equal("\"foo.bar\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", error.Message);
    }

    [Fact]
    public void EnsureSupported_UnknownFieldOnPod_UsesConversionMessage()
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse("spec.foo=x").EnsureSupported(BuiltInKinds.Pod, _ => false));

        Assert.Equal("field label not supported: spec.foo", error.Message);
    }

    [Fact]
    public void EnsureSupported_KnownFields_DoesNotThrow()
    {
        FieldSelector.Parse("metadata.name=a,spec.nodeName=n").EnsureSupported(BuiltInKinds.Pod, f => f is "metadata.name" or "spec.nodeName");
    }

    [Theory]
    [InlineData(@"a,b=c\d", @"a\,b\=c\\d")]
    [InlineData("plain", "plain")]
    public void EscapeValue_SpecialCharacters_RoundTrip(string value, string escaped)
    {
        Assert.Equal(escaped, FieldSelector.EscapeValue(value));
        Assert.True(FieldSelector.TryUnescapeValue(escaped, out var back, out _));
        Assert.Equal(value, back);
    }
}

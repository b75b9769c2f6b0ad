using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Tests.Registry.Validation;

public class NameValidationTests
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    // Upstream's TestIsDNS1123Label good and bad values.
    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("a1")]
    [InlineData("a-1")]
    [InlineData("a--1--2--b")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("012")]
    [InlineData("1a")]
    [InlineData("1-a")]
    [InlineData("1--a--b--2")]
    public void IsDns1123Label_Valid_NoErrors(string value)
    {
        Assert.Empty(NameValidation.IsDns1123Label(value));
        Assert.Empty(NameValidation.IsDns1123Label(new string('a', 63)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("ABC")]
    [InlineData("aBc")]
    [InlineData("A1")]
    [InlineData("A-1")]
    [InlineData("1-A")]
    [InlineData("-")]
    [InlineData("a-")]
    [InlineData("-a")]
    [InlineData("1-")]
    [InlineData("-1")]
    [InlineData("_")]
    [InlineData("a_")]
    [InlineData("_a")]
    [InlineData("a_b")]
    [InlineData("1_")]
    [InlineData("_1")]
    [InlineData("1_2")]
    [InlineData("a b")]
    [InlineData("a\n")]
    public void IsDns1123Label_Invalid_RegexMessage(string value)
    {
        Assert.Equal([LabelMessage], NameValidation.IsDns1123Label(value));
    }

    [Fact]
    public void IsDns1123Label_Dots_MustNotContainDots()
    {
        Assert.Equal(["must not contain dots"], NameValidation.IsDns1123Label("a.b"));
    }

    [Fact]
    public void IsDns1123Label_TooLong_MaxLengthMessage()
    {
        Assert.Equal(["must be no more than 63 characters"], NameValidation.IsDns1123Label(new string('a', 64)));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a.b.c.d.e")]
    [InlineData("aaa.bbb.ccc")]
    [InlineData("a1.b-2.c--3")]
    [InlineData("0.1.2")]
    [InlineData("example.com")]
    public void IsDns1123Subdomain_Valid_NoErrors(string value)
    {
        Assert.Empty(NameValidation.IsDns1123Subdomain(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("a.")]
    [InlineData(".a")]
    [InlineData("a..b")]
    [InlineData("a.-b")]
    [InlineData("a_b")]
    [InlineData("Web")]
    public void IsDns1123Subdomain_Invalid_RegexMessage(string value)
    {
        Assert.Equal([SubdomainMessage], NameValidation.IsDns1123Subdomain(value));
    }

    [Fact]
    public void IsDns1123Subdomain_TooLong_BothMessagesWhenAlsoMalformed()
    {
        Assert.Equal(["must be no more than 253 characters"], NameValidation.IsDns1123Subdomain(new string('a', 254)));
        Assert.Equal(["must be no more than 253 characters", SubdomainMessage], NameValidation.IsDns1123Subdomain(new string('A', 254)));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a-1", true)]
    [InlineData("1a", false)]
    [InlineData("a.b", false)]
    [InlineData("A", false)]
    public void IsDns1035Label_Value_AsUpstream(string value, bool valid)
    {
        Assert.Equal(valid ? [] : [Dns1035Message], NameValidation.IsDns1035Label(value));
    }

    // Upstream's TestIsQualifiedName.
    [Theory]
    [InlineData("simple")]
    [InlineData("now-with-dashes")]
    [InlineData("1-starts-with-num")]
    [InlineData("1234")]
    [InlineData("simple/simple")]
    [InlineData("now-with-dashes/simple")]
    [InlineData("now-with-dashes/now-with-dashes")]
    [InlineData("now.with.dots/now-with-dashes")]
    [InlineData("now-with.dashes-and.dots/now-with-dashes")]
    [InlineData("1.2.3.4/1234")]
    [InlineData("Uppercase_Is_OK_123")]
    [InlineData("example.com/Uppercase_Is_OK_123")]
    public void IsQualifiedName_Valid_NoErrors(string value)
    {
        Assert.Empty(NameValidation.IsQualifiedName(value));
    }

    [Theory]
    [InlineData("nospecialchars%^=@")]
    [InlineData("cantendwithadash-")]
    [InlineData("-cantstartwithadash-")]
    [InlineData("only/one/slash")]
    [InlineData("Example.com/abc")]
    [InlineData("example_com/abc")]
    [InlineData("example.com/")]
    [InlineData("/simple")]
    [InlineData("")]
    public void IsQualifiedName_Invalid_HasErrors(string value)
    {
        Assert.NotEmpty(NameValidation.IsQualifiedName(value));
    }

    [Fact]
    public void IsQualifiedName_Messages_AsUpstream()
    {
        Assert.Equal(["prefix part must be non-empty"], NameValidation.IsQualifiedName("/simple"));
        Assert.Equal(["name part must be non-empty", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"], NameValidation.IsQualifiedName(""));
        Assert.Equal(["name part must be no more than 63 characters"], NameValidation.IsQualifiedName(new string('a', 64)));
        Assert.Equal(["prefix part " + SubdomainMessage], NameValidation.IsQualifiedName("Example.com/abc"));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("simple", true)]
    [InlineData("now-with-dashes", true)]
    [InlineData("1-starts-with-num", true)]
    [InlineData("end-with-num-1", true)]
    [InlineData("1234", true)]
    [InlineData("Uppercase_Is_OK_123", true)]
    [InlineData("nospecialchars%^=@", false)]
    [InlineData("Tama-nui-te-rā.is.Māori.sun", false)]
    [InlineData("\\backslashes\\are\\bad", false)]
    [InlineData("-starts-with-dash", false)]
    [InlineData("ends-with-dash-", false)]
    [InlineData(".starts.with.dot", false)]
    [InlineData("ends.with.dot.", false)]
    public void IsValidLabelValue_Value_AsUpstream(string value, bool valid)
    {
        Assert.Equal(valid, NameValidation.IsValidLabelValue(value).Count == 0);
    }

    [Fact]
    public void IsValidLabelValue_TooLong_MaxLengthMessage()
    {
        Assert.Equal(["must be no more than 63 characters"], NameValidation.IsValidLabelValue(new string('a', 64)));
    }

    [Theory]
    [InlineData("abc-", false, true)]
    [InlineData("abc-", true, false)]
    [InlineData("web-", true, false)]
    public void NameIsDnsSubdomain_Prefix_AllowsTrailingDash(string name, bool prefix, bool hasErrors)
    {
        Assert.Equal(hasErrors, NameValidation.NameIsDnsSubdomain(name, prefix).Count > 0);
    }

    [Theory]
    [InlineData("key.name", 0)]
    [InlineData("KEY_NAME", 0)]
    [InlineData("key-name", 0)]
    [InlineData(".dotfile", 0)]
    [InlineData("..", 1)]
    [InlineData("..x", 1)]
    [InlineData("a/b", 1)]
    public void IsConfigMapKey_Value_AsUpstream(string key, int errors)
    {
        Assert.Equal(errors, NameValidation.IsConfigMapKey(key).Count);
    }

    [Theory]
    [InlineData(".", false, "may not be '.'")]
    [InlineData("a/b", false, "may not contain '/'")]
    [InlineData("a%b", true, "may not contain '%'")]
    public void IsValidPathSegmentName_BadName_AsUpstream(string name, bool prefix, string message)
    {
        Assert.Equal([message], NameValidation.IsValidPathSegmentName(name, prefix));
    }
}

using Cluster.Core.Registry;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Core.Tests.Registry.Selectors;

public class LabelSelectorParseTests
{
    // The valid and invalid selectors of upstream's TestSetSelectorParser and TestSelectorParse,
    // each with the canonical text the parsed selector prints.
    [Theory]
    [InlineData("", "")]
    [InlineData("\rx", "x")]
    [InlineData("this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash")]
    [InlineData("this-is-another-dns.domain.com/key-with-dash in (so,what)", "this-is-another-dns.domain.com/key-with-dash in (so,what)")]
    [InlineData("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)")]
    [InlineData("foo  in\t (abc)", "foo in (abc)")]
    [InlineData("x notin\n (abc)", "x notin (abc)")]
    [InlineData("x  notin\t\t(abc,def)", "x notin (abc,def)")]
    [InlineData("x in (abc,def)", "x in (abc,def)")]
    [InlineData("x in (abc,)", "x in (,abc)")]
    [InlineData("x in ()", "x in ()")]
    [InlineData("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()")]
    [InlineData("x,y in (a)", "x,y in (a)")]
    [InlineData("x=a", "x=a")]
    [InlineData("x>1", "x>1")]
    [InlineData("x<7", "x<7")]
    [InlineData("x=a,y!=b", "x=a,y!=b")]
    [InlineData("x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)")]
    [InlineData("x notin ( )", "x notin ()")]
    [InlineData("x notin (, a)", "x notin (,a)")]
    [InlineData("a ", "a")]
    [InlineData("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)")]
    [InlineData("x=a,y=b,z=c", "x=a,y=b,z=c")]
    [InlineData("x!=a,y=b", "x!=a,y=b")]
    [InlineData("x=", "x=")]
    [InlineData("x= ", "x=")]
    [InlineData("x=,z= ", "x=,z=")]
    [InlineData("!x", "!x")]
    [InlineData("! x", "!x")]
    [InlineData("x>1,z<5", "x>1,z<5")]
    [InlineData("z==a,b", "b,z==a")]
    [InlineData("in in (in)", "in in (in)")]
    [InlineData("app.kubernetes.io/name=web", "app.kubernetes.io/name=web")]
    public void Parse_ValidSelector_PrintsCanonicalForm(string text, string canonical)
    {
        Assert.Equal(canonical, LabelSelector.Parse(text).ToString());
    }

    [Theory]
    [InlineData("x=a||y=b")]
    [InlineData("x,,y")]
    [InlineData(",x,y")]
    [InlineData("x nott in (y)")]
    [InlineData("a in (xyz),")]
    [InlineData("a in (xyz)b notin ()")]
    [InlineData("a in (xyz abc)")]
    [InlineData("a notin(")]
    [InlineData("a (")]
    [InlineData("(")]
    [InlineData("x==a==b")]
    [InlineData("!x=a")]
    [InlineData("x<a")]
    [InlineData("x>1.5")]
    [InlineData("-x")]
    [InlineData("x=-a")]
    public void Parse_InvalidSelector_ThrowsBadRequest(string text)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse(text));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
    }

    [Theory]
    [InlineData("x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
    [InlineData("x,,y", "found ',', expected: identifier after ','")]
    [InlineData("a in (xyz),", "found '', expected: identifier after ','")]
    [InlineData("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'")]
    [InlineData("(", "found '(', expected: !, identifier, or 'end of string'")]
    [InlineData("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'")]
    [InlineData("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier")]
    [InlineData("a in x", "unable to parse requirement: found 'x' expected: '('")]
    [InlineData("a=(", "unable to parse requirement: found '(', expected: identifier")]
    [InlineData("!", "unable to parse requirement: found '', expected: identifier")]
    [InlineData("!x=a", "found '=', expected: ',' or 'end of string'")]
    [InlineData("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("app:monolith", "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    [InlineData("a/b/c ?=? def", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("app.kubernetes_io/name=x", "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    public void Parse_InvalidSelector_GivesUpstreamMessage(string text, string message)
    {
        Assert.False(LabelSelector.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Parse_GreaterThanWithBadLabelValue_AggregatesBothErrors()
    {
        Assert.False(LabelSelector.TryParse("x>a-", out _, out var error));

        Assert.StartsWith("unable to parse requirement: [values[0]: Invalid value: \"a-\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: \"a-\": a valid label must", error);
        Assert.EndsWith("]", error);
    }

    [Fact]
    public void Parse_TooLongValue_ReportsMaxLength()
    {
        Assert.False(LabelSelector.TryParse("good-key=" + new string('z', 64), out _, out var error));

        Assert.Equal($"unable to parse requirement: values[0][good-key]: Invalid value: \"{new string('z', 64)}\": must be no more than 63 characters", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_NullOrEmpty_SelectsEverything(string? text)
    {
        var selector = LabelSelector.Parse(text);

        Assert.True(selector.IsEverything);
        Assert.True(selector.Matches(new Dictionary<string, string>()));
    }

    [Fact]
    public void Parse_Requirements_SortedByKeyWithSortedDistinctValues()
    {
        var selector = LabelSelector.Parse("z in (b,a,b),a!=x");

        Assert.Collection(
            selector.Requirements,
            r => Assert.Equal(("a", LabelOperator.NotEquals, "x"), (r.Key, r.Operator, string.Join("|", r.Values))),
            r => Assert.Equal(("z", LabelOperator.In, "a|b"), (r.Key, r.Operator, string.Join("|", r.Values))));
    }
}

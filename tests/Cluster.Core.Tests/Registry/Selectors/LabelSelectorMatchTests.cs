using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Core.Tests.Registry.Selectors;

public class LabelSelectorMatchTests
{
    private static Dictionary<string, string> Labels(string pairs) =>
        pairs.Length == 0
            ? []
            : pairs.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    // Upstream's TestSelectorMatches / TestRequirementSelectorMatching cases.
    [Theory]
    [InlineData("", "x=y", true)]
    [InlineData("x=y", "x=y", true)]
    [InlineData("x=y,z=w", "x=y,z=w", true)]
    [InlineData("x!=y,z!=w", "x=z,z=a", true)]
    [InlineData("notin=in", "notin=in", true)]
    [InlineData("x", "x=z", true)]
    [InlineData("!x", "y=z", true)]
    [InlineData("x>1", "x=2", true)]
    [InlineData("x<1", "x=0", true)]
    [InlineData("x=z", "", false)]
    [InlineData("x=y", "x=z", false)]
    [InlineData("x=y,z=w", "x=w,z=w", false)]
    [InlineData("x!=y,z!=w", "x=z,z=w", false)]
    [InlineData("x", "y=z", false)]
    [InlineData("!x", "x=z", false)]
    [InlineData("x>1", "x=0", false)]
    [InlineData("x<1", "x=2", false)]
    [InlineData("x>1", "x=a", false)]
    [InlineData("x>1", "", false)]
    [InlineData("x in (a,b)", "x=b", true)]
    [InlineData("x in (a,b)", "x=c", false)]
    [InlineData("x in (a,b)", "", false)]
    [InlineData("x notin (a,b)", "", true)]
    [InlineData("x notin (a,b)", "x=a", false)]
    [InlineData("x in ()", "x=", true)]
    [InlineData("x=", "x=", true)]
    [InlineData("x!=y", "", true)]
    public void Matches_Labels_AsUpstream(string selector, string labels, bool expected)
    {
        if (!LabelSelector.TryParse(selector, out var parsed, out _))
        {
            Assert.False(expected);
            return;
        }

        Assert.Equal(expected, parsed.Matches(Labels(labels)));
    }

    [Fact]
    public void Parse_NegativeBound_IsNotAValidLabelValue()
    {
        Assert.False(LabelSelector.TryParse("x<-1", out _, out var error));
        Assert.Contains("values[0][x]: Invalid value: \"-1\"", error);
    }

    [Theory]
    [InlineData("x=a,y=b", "x", true, "a")]
    [InlineData("x==a", "x", true, "a")]
    [InlineData("x in (a)", "x", true, "a")]
    [InlineData("x in (a,b)", "x", false, "")]
    [InlineData("x!=a", "x", false, "")]
    [InlineData("y=b", "x", false, "")]
    [InlineData("x,x=a", "x", false, "")]
    public void TryGetExactMatch_Selector_AsRequiresExactMatch(string selector, string key, bool found, string value)
    {
        Assert.Equal(found, LabelSelector.Parse(selector).TryGetExactMatch(key, out var actual));
        Assert.Equal(value, actual);
    }

    [Fact]
    public void FromJson_Null_SelectsNothing()
    {
        var selector = LabelSelector.FromJson(null);

        Assert.True(selector.IsNothing);
        Assert.False(selector.IsEverything);
        Assert.False(selector.Matches(Labels("")));
        Assert.Equal("", selector.ToString());
    }

    [Fact]
    public void FromJson_EmptyObject_SelectsEverything()
    {
        var selector = LabelSelector.FromJson(JsonNode.Parse("""{"matchLabels":{}}"""));

        Assert.True(selector.IsEverything);
        Assert.True(selector.Matches(Labels("a=b")));
    }

    [Fact]
    public void FromJson_LabelsAndExpressions_MatchAllAndPrintSorted()
    {
        var selector = LabelSelector.FromJson(JsonNode.Parse("""
            {"matchLabels":{"tier":"web","app":"api"},
             "matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},
                                 {"key":"canary","operator":"DoesNotExist"},
                                 {"key":"zone","operator":"Exists"},
                                 {"key":"team","operator":"NotIn","values":["x"]}]}
            """));

        Assert.Equal("app=api,!canary,env in (dev,prod),team notin (x),tier=web,zone", selector.ToString());
        Assert.True(selector.Matches(Labels("app=api,tier=web,env=dev,zone=a")));
        Assert.False(selector.Matches(Labels("app=api,tier=web,env=dev,zone=a,canary=1")));
        Assert.False(selector.Matches(Labels("app=api,tier=web,env=qa,zone=a")));
        Assert.False(selector.Matches(Labels("app=api,tier=web,env=dev,zone=a,team=x")));
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}""", "\"Gt\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}""", "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchLabels":{"a b":"c"}}""", "key: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    public void FromJson_Malformed_ThrowsBadRequestWithUpstreamMessage(string json, string message)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.FromJson(JsonNode.Parse(json)));

        Assert.Equal(400, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("""{"matchLabels":{"app":"api"}}""", "app=api")]
    [InlineData("""{"matchLabels":{"b":"2","a":"1"}}""", "a=1,b=2")]
    [InlineData("""{}""", "")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Bad"}]}""", "<error>")]
    public void FormatJson_Selector_AsKubectlShowsIt(string json, string expected)
    {
        Assert.Equal(expected, LabelSelector.FormatJson(JsonNode.Parse(json)));
    }

    [Fact]
    public void FormatJson_Null_IsEmpty()
    {
        Assert.Equal("", LabelSelector.FormatJson(null));
    }

    [Theory]
    [InlineData("""{"tier":"web","app":"api"}""", "app=api,tier=web")]
    [InlineData("""{}""", "<none>")]
    public void FormatMap_ServiceSelector_AsKubectlShowsIt(string json, string expected)
    {
        Assert.Equal(expected, LabelSelector.FormatMap(JsonNode.Parse(json)));
    }

    [Fact]
    public void FormatMap_Null_IsNone()
    {
        Assert.Equal("<none>", LabelSelector.FormatMap(null));
    }

    [Fact]
    public void FromMap_Pairs_MatchWhenAllPresent()
    {
        var selector = LabelSelector.FromMap(Labels("app=api,tier=web"));

        Assert.True(selector.Matches(Labels("app=api,tier=web,x=y")));
        Assert.False(selector.Matches(Labels("app=api")));
    }
}

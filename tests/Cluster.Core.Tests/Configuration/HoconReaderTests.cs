using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

public sealed class HoconReaderTests
{
    [Fact]
    public void Parse_ForbiddenCharacter_ReportsLineColumnAndExpectation()
    {
        var error = Assert.Throws<HoconException>(() => HoconConfig.Parse("a = 1\n  b = x?y", new HoconParseOptions { SourceName = "app.conf" }));

        Assert.Equal(HoconErrorKind.Parse, error.Kind);
        Assert.Equal(new HoconOrigin("app.conf", 2, 8), error.Origin);
        Assert.StartsWith("app.conf:2:8: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("quote", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include classpath(\"reference.conf\")")]
    [InlineData("include url(\"http://example.invalid/a.conf\")")]
    [InlineData("include required(classpath(\"x.conf\"))")]
    public void Include_ClasspathOrUrl_RefusedWithClearMessage(string text)
    {
        var error = Assert.Throws<HoconException>(() => HoconConfig.Parse(text));

        Assert.Equal(HoconErrorKind.Include, error.Kind);
        Assert.Contains("not supported", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_RequiredFileFromStringWithBaseDirectory_MergesAtIncludePoint()
    {
        var directory = ConformanceVectors.PathOf("spec-examples");

        var config = HoconConfig.Parse("x = 1\na { include required( file(\"include-fixup-included.conf\") ) }\na.x = 7",
            new HoconParseOptions { BaseDirectory = directory });

        Assert.Equal(7, config.GetInt("a.x"));
        Assert.Equal(7, config.GetInt("a.y"));
        Assert.Equal(1, config.GetInt("x"));
    }

    [Fact]
    public void SelfReference_PlusEqualsAndLookback_AppendToEarlierValue()
    {
        var config = HoconConfig.Parse("""
            path = [/bin]
            path = ${path} [/usr/bin]
            path += /opt/bin
            greeting = hello
            greeting = ${greeting}", world"
            """);

        Assert.Equal(["/bin", "/usr/bin", "/opt/bin"], config.GetStringList("path"));
        Assert.Equal("hello, world", config.GetString("greeting"));
    }

    [Fact]
    public void GetStringList_NumericallyIndexedObject_ReadsAsSortedList()
    {
        var config = HoconConfig.Parse("""of-long { "10" = c, "2" = b, "1" = a, other = x }""");

        Assert.Equal(["a", "b", "c"], config.GetStringList("of-long"));
    }

    [Fact]
    public void TripleQuotedString_KeepsNewlinesAndBackslashes()
    {
        var config = HoconConfig.Parse("s = \"\"\"line1\n  \\n line2\"\"\"\"");

        Assert.Equal("line1\n  \\n line2\"", config.GetString("s"));
    }

    [Fact]
    public void LeadingByteOrderMark_IsIgnored()
    {
        Assert.Equal("bar", HoconConfig.Parse("\uFEFFfoo = bar").GetString("foo"));
    }

    [Fact]
    public void WithFallback_ResolvedConfigs_ObjectsMergeAndOverridesWin()
    {
        var reference = HoconConfig.Parse("actors { ask-timeout = 10s, log-dead-letters = 10 }");
        var user = HoconConfig.Parse("actors.ask-timeout = 2s");

        var merged = user.WithFallback(reference);

        Assert.Equal(TimeSpan.FromSeconds(2), merged.GetDuration("actors.ask-timeout"));
        Assert.Equal(10, merged.GetInt("actors.log-dead-letters"));
        Assert.Equal(10, merged.GetConfig("actors").GetInt("log-dead-letters"));
    }

    [Fact]
    public void Getters_MissingAndNull_ThrowDistinctKinds()
    {
        var config = HoconConfig.Parse("a = null");

        Assert.False(config.HasPath("a"));
        Assert.Equal(HoconErrorKind.Null, Assert.Throws<HoconException>(() => config.GetString("a")).Kind);
        Assert.Equal(HoconErrorKind.Missing, Assert.Throws<HoconException>(() => config.GetString("b")).Kind);
    }

    [Theory]
    [InlineData("512K", 524288L)]
    [InlineData("10MiB", 10485760L)]
    [InlineData("1kB", 1000L)]
    [InlineData("100 MiB", 104857600L)]
    [InlineData("2t", 2199023255552L)]
    public void TryParseSize_ValidSize_GivesBytes(string text, long expected)
    {
        Assert.True(ConfigValueParsers.TryParseSize(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("1 KB")]
    [InlineData("-1K")]
    [InlineData("1 ZB")]
    [InlineData("K")]
    public void TryParseSize_InvalidSize_Fails(string text)
    {
        Assert.False(ConfigValueParsers.TryParseSize(text, out _));
    }

    [Theory]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{\"a\": 1 // comment\n}")]
    [InlineData("{a: 1}")]
    [InlineData("{\"a\" = 1}")]
    public void JsonSyntax_HoconOnlyConstruct_IsRejected(string text)
    {
        Assert.Throws<HoconException>(() => HoconConfig.Parse(text, new HoconParseOptions { Syntax = HoconSyntax.Json }));
    }

    [Fact]
    public void Render_ShowOptions_MasksSecretsAndGivesOrigins()
    {
        var config = HoconConfig.Parse("db { password = hunter2, host = db1, api-key = k1 }\nauthToken = t", new HoconParseOptions { SourceName = "user.conf" });

        var shown = HoconJsonRenderer.Render(config, HoconRenderOptions.Show);

        Assert.DoesNotContain("hunter2", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k1\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\"t\"", shown, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"db1\",\"origin\":\"user.conf:1\"", shown, StringComparison.Ordinal);
        Assert.Contains("\"origin\":\"user.conf:2\"", shown, StringComparison.Ordinal);
        Assert.Equal(new HoconOrigin("user.conf", 1, 33), config.GetOrigin("db.host"));
    }

    [Fact]
    public void DelayedMerge_ObjectReadingItsOwnScalarField_ResolvesWithoutCycle()
    {
        var config = HoconConfig.Parse("x = { z = 0 }\na = ${x}\na = { b = 1, c = ${a.b} }");

        Assert.Equal(1, config.GetInt("a.c"));
        Assert.Equal(0, config.GetInt("a.z"));
    }

    [Fact]
    public void Concatenation_NumericallyIndexedObjectWithList_JoinsAsLists()
    {
        var config = HoconConfig.Parse("obj { \"1\" = b, \"0\" = a }\nl = ${obj} [c]");

        Assert.Equal(["a", "b", "c"], config.GetStringList("l"));
    }

    [Fact]
    public void SelfReferenceInsideArray_IsCycleError()
    {
        var error = Assert.Throws<HoconException>(() => HoconConfig.Parse("a = [1]\na = [${a}]"));

        Assert.Equal(HoconErrorKind.UnresolvedSubstitution, error.Kind);
        Assert.Equal(2, error.Origin.Line);
    }
}

using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class QuantitySpec
{
    [Theory]
    [InlineData("100m", "100m")]
    [InlineData("1000m", "1")]
    [InlineData("0.5", "500m")]
    [InlineData("1Gi", "1Gi")]
    [InlineData("1536Mi", "1536Mi")]
    [InlineData("1024Ki", "1Mi")]
    [InlineData("512", "512")]
    [InlineData("1e3", "1e3")]
    [InlineData("1000", "1k")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("0.5Ki", "512")]
    [InlineData("2", "2")]
    [InlineData("0", "0")]
    [InlineData("-1.5", "-1500m")]
    [InlineData("1E", "1E")]
    [InlineData("12e-3", "12e-3")]
    [InlineData("0.0000000001", "1n")]
    public void Parse_ValidText_PrintsCanonicalForm(string text, string canonical) =>
        Assert.Equal(canonical, Quantity.Parse(text).ToString());

    [Theory]
    [InlineData("100m", "0.1")]
    [InlineData("1Gi", "1073741824")]
    [InlineData("1e3", "1000")]
    [InlineData("2.5", "2.5")]
    [InlineData("1n", "0.000000001")]
    public void ToDecimal_ParsedQuantity_IsExact(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Quantity.Parse(text).ToDecimal());

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("1 Gi")]
    [InlineData(".")]
    [InlineData("1Gb")]
    public void TryParse_MalformedText_ReportsRegexError(string text)
    {
        Assert.False(Quantity.TryParse(text, out _, out var error));
        Assert.Equal(Quantity.FormatError, error);
    }

    [Theory]
    [InlineData("1K")]
    [InlineData("1e")]
    [InlineData("5m3")]
    public void TryParse_UnknownSuffix_ReportsSuffixError(string text)
    {
        Assert.False(Quantity.TryParse(text, out _, out var error));
        Assert.Equal(Quantity.SuffixError, error);
    }

    [Fact]
    public void Compare_DifferentFormatsSameValue_AreEqual()
    {
        Assert.Equal(Quantity.Parse("1"), Quantity.Parse("1000m"));
        Assert.True(Quantity.Parse("1Ki") > Quantity.Parse("1k"));
        Assert.True(Quantity.Parse("100m") < Quantity.Parse("0.2"));
    }

    [Fact]
    public void Add_MixedScales_SumsExactly()
    {
        var sum = Quantity.Parse("250m") + Quantity.Parse("1.5") - Quantity.Parse("0.75");
        Assert.Equal(1m, sum.ToDecimal());
        Assert.Equal("1", sum.ToString());
    }

    [Fact]
    public void MilliValueAndValue_FractionalQuantity_RoundUp()
    {
        var q = Quantity.Parse("1500500n");
        Assert.Equal(2, q.MilliValue);
        Assert.Equal(1, q.Value);
        Assert.Equal(2, Quantity.Parse("1.2").Value);
    }

    [Fact]
    public void RoundUp_ToMilli_RoundsAwayFromZeroKeepingFormat()
    {
        Assert.Equal("2m", Quantity.Parse("1100u").RoundUp(3).ToString());
        Assert.Equal("1Gi", Quantity.Parse("1Gi").RoundUp(3).ToString());
    }

    [Fact]
    public void FromDecimal_Value_RoundTripsAndHashesLikeParsed()
    {
        var q = Quantity.FromDecimal(0.25m);
        Assert.Equal("250m", q.ToString());
        Assert.Equal(Quantity.Parse("250m").GetHashCode(), q.GetHashCode());
        Assert.Equal("-3", Quantity.FromDecimal(-3m).ToString());
    }
}

using Cluster.Core.Registry;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Tests.Registry.Validation;

public class ResourceVersionParserTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("0", 0)]
    [InlineData("108", 108)]
    [InlineData("007", 7)]
    public void TryParse_Version_AsUpstream(string? text, long expected)
    {
        Assert.True(ResourceVersionParser.TryParse(text, out var value));
        Assert.Equal(expected, value);
        Assert.Equal(expected, ResourceVersionParser.Parse(text));
    }

    [Theory]
    [InlineData("abc", "resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax")]
    [InlineData("-1", "resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [InlineData("+1", "resourceVersion: Invalid value: \"+1\": strconv.ParseUint: parsing \"+1\": invalid syntax")]
    [InlineData(" 1", "resourceVersion: Invalid value: \" 1\": strconv.ParseUint: parsing \" 1\": invalid syntax")]
    [InlineData("99999999999999999999", "resourceVersion: Invalid value: \"99999999999999999999\": strconv.ParseUint: parsing \"99999999999999999999\": value out of range")]
    public void Parse_NotAVersion_BadRequestWithUpstreamText(string text, string message)
    {
        Assert.False(ResourceVersionParser.TryParse(text, out _));

        var error = Assert.Throws<ApiException>(() => ResourceVersionParser.Parse(text));
        Assert.Equal(400, error.Code);
        Assert.Equal(message, error.Message);
    }
}

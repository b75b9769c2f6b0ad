using Cluster.Api.Tables;

namespace Cluster.Api.Tests.Tables;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-2000, "<invalid>")]
    [InlineData(-1999, "0s")]
    [InlineData(-1000, "0s")]
    [InlineData(0, "0s")]
    [InlineData(1000, "1s")]
    [InlineData(119_999, "119s")]
    [InlineData(120_000, "2m")]
    [InlineData(121_000, "2m1s")]
    [InlineData(599_000, "9m59s")]
    [InlineData(600_000, "10m")]
    [InlineData(10_799_000, "179m")]
    [InlineData(10_800_000, "3h")]
    [InlineData(10_860_000, "3h1m")]
    [InlineData(28_799_000, "7h59m")]
    [InlineData(28_800_000, "8h")]
    [InlineData(172_799_000, "47h")]
    [InlineData(172_800_000, "2d")]
    [InlineData(176_400_000, "2d1h")]
    [InlineData(691_199_000, "7d23h")]
    [InlineData(691_200_000, "8d")]
    public void Format_Threshold_MatchesUpstream(long milliseconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(365 * 2 - 1, "729d")]
    [InlineData(365 * 2, "2y")]
    [InlineData(365 * 2 + 1, "2y1d")]
    [InlineData(365 * 8 - 1, "7y364d")]
    [InlineData(365 * 8, "8y")]
    [InlineData(365 * 8 + 100, "8y")]
    public void Format_Years_MatchesUpstream(int days, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromDays(days)));

    [Theory]
    [InlineData(-2000, "<invalid>")]
    [InlineData(-1000, "0s")]
    [InlineData(59_999, "59s")]
    [InlineData(60_000, "1m")]
    [InlineData(3_599_000, "59m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(86_399_000, "23h")]
    [InlineData(86_400_000, "1d")]
    public void ShortFormat_Threshold_MatchesUpstream(long milliseconds, string expected) =>
        Assert.Equal(expected, HumanDuration.ShortFormat(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(364, "364d")]
    [InlineData(365, "1y")]
    [InlineData(800, "2y")]
    public void ShortFormat_Days_RollOverToYearsAt365(int days, string expected) =>
        Assert.Equal(expected, HumanDuration.ShortFormat(TimeSpan.FromDays(days)));
}

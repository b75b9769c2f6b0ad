using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class CronScheduleSpec
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 10, 7, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("*/5 * * * *", "2025-03-14T10:10:00")]
    [InlineData("0 * * * *", "2025-03-14T11:00:00")]
    [InlineData("30 2 * * *", "2025-03-15T02:30:00")]
    [InlineData("0 0 1 * *", "2025-04-01T00:00:00")]
    [InlineData("0 9 * * mon-fri", "2025-03-17T09:00:00")]
    [InlineData("0 0 * jan *", "2026-01-01T00:00:00")]
    [InlineData("@hourly", "2025-03-14T11:00:00")]
    [InlineData("@weekly", "2025-03-16T00:00:00")]
    [InlineData("15,45 10 * * *", "2025-03-14T10:15:00")]
    [InlineData("0 0 13 * 5", "2025-03-21T00:00:00")]
    public void Next_ValidSchedule_FindsNextMinute(string spec, string expected)
    {
        Assert.True(CronSchedule.TryParse(spec, out var schedule, out var error), error);
        Assert.Equal(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture), schedule.Next(Start));
    }

    [Fact]
    public void Next_EverySchedule_AddsInterval()
    {
        Assert.True(CronSchedule.TryParse("@every 1h30m", out var schedule, out _));
        Assert.Equal(Start.AddSeconds(-0).AddMinutes(90), schedule.Next(Start));
    }

    [Theory]
    [InlineData("", "empty spec string")]
    [InlineData("* * * *", "expected exactly 5 fields, found 4: [* * * *]")]
    [InlineData("60 * * * *", "end of range (60) above maximum (59): 60")]
    [InlineData("* * 0 * *", "beginning of range (0) below minimum (1): 0")]
    [InlineData("5-2 * * * *", "beginning of range (5) beyond end of range (2): 5-2")]
    [InlineData("*/0 * * * *", "step of range should be a positive number: */0")]
    [InlineData("x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("1-2-3 * * * *", "too many hyphens: 1-2-3")]
    [InlineData("@often", "unrecognized descriptor: @often")]
    [InlineData("* * * * 7", "end of range (7) above maximum (6): 7")]
    public void TryParse_InvalidSchedule_ReportsRobfigMessage(string spec, string message)
    {
        Assert.False(CronSchedule.TryParse(spec, out _, out var error));
        Assert.Equal(message, error);
    }
}

using Cluster.Controllers.CronJobs;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Time.Testing;
using static Cluster.Controllers.Tests.CronJobs.CronJobFixtures;

namespace Cluster.Controllers.Tests.CronJobs;

public sealed class CronJobScheduleSpec
{
    private static CronSchedule Parse(string text) => CronSchedule.TryParse(text, out var schedule, out var error) ? schedule : throw new FormatException(error);

    [Theory]
    [InlineData("*/5 * * * *", "2026-12-06T10:04:59Z", null)] // before the first start time
    [InlineData("*/5 * * * *", "2026-12-06T10:05:00Z", "2026-12-06T10:05:00Z")]
    [InlineData("*/5 * * * *", "2026-12-06T10:27:10Z", "2026-12-06T10:25:00Z")] // several missed: the latest
    [InlineData("@hourly", "2026-12-06T13:30:00Z", "2026-12-06T13:00:00Z")]
    [InlineData("0 9 * * 1,5", "2026-12-12T08:00:00Z", "2026-12-11T09:00:00Z")] // uneven intervals: Monday then Friday
    public void Due_SinceCreation_TheLatestStartTimeNotAfterNow(string schedule, string now, string? expected)
    {
        var (due, tooMany, error) = CronJobSchedule.Due(CronJob(schedule), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), Parse(schedule), TimeZoneInfo.Utc);

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), due);
        Assert.False(tooMany);
        Assert.Null(error);
    }

    [Fact]
    public void Due_MoreThanAHundredMissed_FlagsTooMany()
    {
        var now = Created.AddMinutes(101);

        var (due, tooMany, _) = CronJobSchedule.Due(CronJob("* * * * *"), now, Parse("* * * * *"), TimeZoneInfo.Utc);

        Assert.True(tooMany);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 11, 41, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void Due_StartingDeadline_CountsOnlyFromThatFarBack()
    {
        var now = Created.AddMinutes(500);

        var (due, tooMany, _) = CronJobSchedule.Due(CronJob("* * * * *", startingDeadlineSeconds: 120), now, Parse("* * * * *"), TimeZoneInfo.Utc);

        Assert.False(tooMany);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 18, 20, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void UntilNext_OnTheFakeClock_JustPastTheNextStartTime()
    {
        var clock = new FakeTimeProvider(Created);

        var wait = CronJobSchedule.UntilNext(CronJob("*/5 * * * *"), clock.GetUtcNow(), Parse("*/5 * * * *"), TimeZoneInfo.Utc);

        Assert.Equal(TimeSpan.FromSeconds(270) + CronJobSchedule.NextScheduleDelta, wait);
    }

    [Fact]
    public void Due_InATimeZone_StartsOnItsWallClock()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var now = new DateTimeOffset(2026, 12, 6, 11, 0, 10, TimeSpan.Zero); // 12:00:10 in Berlin

        var (due, _, _) = CronJobSchedule.Due(CronJob("0 12 * * *"), now, Parse("0 12 * * *"), berlin);

        Assert.Equal(new DateTimeOffset(2026, 12, 6, 11, 0, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void Due_ImpossibleDate_ReportsTheError()
    {
        var (due, _, error) = CronJobSchedule.Due(CronJob("0 0 31 2 *"), Created.AddDays(1), Parse("0 0 31 2 *"), TimeZoneInfo.Utc);

        Assert.Null(due);
        Assert.Equal("time difference between two schedules is less than 1 second", error);
    }
}

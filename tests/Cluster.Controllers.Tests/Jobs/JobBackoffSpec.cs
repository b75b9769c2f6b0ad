using Cluster.Controllers.Jobs;
using static Cluster.Controllers.Tests.Jobs.JobFixtures;

namespace Cluster.Controllers.Tests.Jobs;

public sealed class JobBackoffSpec
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(4, 80)]
    [InlineData(6, 320)]
    [InlineData(7, 360)]
    [InlineData(40, 360)]
    public void Delay_Failures_TenSecondsDoublingUpToSixMinutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobBackoff.Delay(failures));

    [Fact]
    public void Remaining_FailuresBeforeTheLastSuccess_NotCounted()
    {
        var clock = Clock();
        var pods = new[] { Pod("f1", "Failed", Start), Pod("ok", "Succeeded", Start.AddSeconds(5)), Pod("f2", "Failed", Start.AddSeconds(10)) };
        clock.Advance(TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(8), JobBackoff.Remaining(pods, clock.GetUtcNow()));
    }

    [Fact]
    public void Remaining_BackoffPassed_Zero()
    {
        var pods = new[] { Pod("f1", "Failed", Start) };

        Assert.Equal(TimeSpan.Zero, JobBackoff.Remaining(pods, Start.AddMinutes(1)));
    }
}

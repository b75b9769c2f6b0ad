using Cluster.Controllers.Framework;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Framework;

public sealed class RateLimitersSpec
{
    [Fact]
    public void Exponential_RepeatedFailures_DoubleUpToTheCap_ForgetStartsOver()
    {
        var limiter = new ExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(100));

        Assert.Equal([5, 10, 20, 40, 80, 100, 100], Enumerable.Range(0, 7).Select(_ => limiter.When("a").TotalMilliseconds));
        Assert.Equal(5, limiter.When("b").TotalMilliseconds);
        Assert.Equal(7, limiter.Requeues("a"));

        limiter.Forget("a");
        Assert.Equal((0, 5.0), (limiter.Requeues("a"), limiter.When("a").TotalMilliseconds));
    }

    [Fact]
    public void Exponential_ThousandsOfFailures_StaysAtTheCap()
    {
        var limiter = new ExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var last = TimeSpan.Zero;
        for (var i = 0; i < 2000; i++)
        {
            last = limiter.When("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), last);
    }

    [Fact]
    public void Bucket_BurstSpent_FurtherRetriesSpacedAtTheRate_RefilledByTime()
    {
        var clock = new FakeTimeProvider();
        var limiter = new BucketRateLimiter<string>(perSecond: 10, burst: 3, clock);

        Assert.Equal([0, 0, 0, 100, 200], Enumerable.Range(0, 5).Select(i => Math.Round(limiter.When("k" + i).TotalMilliseconds)));

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, limiter.When("later"));
    }

    [Fact]
    public void DefaultController_ManyKeysFailingAtOnce_TheBucketOutweighsTheFirstBackOffs()
    {
        var limiter = RateLimiters.DefaultController<string>(new FakeTimeProvider());
        var delays = Enumerable.Range(0, 110).Select(i => limiter.When("key-" + i)).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(5), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(5), delays[99]);
        Assert.Equal(1.0, delays[109].TotalSeconds, precision: 6);
    }
}

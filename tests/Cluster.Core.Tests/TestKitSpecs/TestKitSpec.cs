using Cluster.Core.Actors;
using Cluster.Core.Tests.Actors;
using Cluster.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cluster.Core.Tests.TestKitSpecs;

/// <summary>The TestKit's own assertions fail when they should (a kit that cannot fail tests nothing).</summary>
public sealed class TestKitSpec(ITestOutputHelper output) : TestKit.TestKit(output, new TestKitOptions { SingleExpectDefault = TimeSpan.FromMilliseconds(300) })
{
    [Fact]
    public void ExpectMsg_NothingArrives_FailsAfterDefaultTimeout()
    {
        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>());
        Assert.Contains("Timeout (300 ms)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_OtherType_FailsNamingWhatArrived()
    {
        TestActor.Tell(42, null);
        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>());
        Assert.Contains("Int32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectNoMsg_MessageArrives_Fails()
    {
        TestActor.Tell("surprise", null);
        Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Within_BlockTakesLonger_Fails() =>
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(50), () => Thread.Sleep(150)));

    [Fact]
    public void Within_InnerExpectation_InheritsRemainingTime()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(100), () => ExpectMsg<string>(TimeSpan.FromSeconds(5))));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the inner expectation waited {watch.Elapsed} instead of the block's 100 ms");
    }

    [Fact]
    public void AwaitAssert_EventuallyTrue_Passes_NeverTrue_RethrowsLastFailure()
    {
        var calls = 0;
        AwaitAssert(() => Assert.True(++calls >= 3));
        Assert.Equal(3, calls);
        var e = Assert.ThrowsAny<XunitException>(() => AwaitAssert(() => Assert.Fail("never"), TimeSpan.FromMilliseconds(100)));
        Assert.Contains("never", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FishForMessage_SkipsUntilMatch()
    {
        foreach (var m in new object[] { 1, "two", 3.0, "four" })
        {
            TestActor.Tell(m, null);
        }

        Assert.Equal(3.0, FishForMessage(m => m is double));
        ExpectMsg("four");
    }

    [Fact]
    public void ExpectTerminated_ActorStaysAlive_Fails()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        Assert.Throws<XunitException>(() => ExpectTerminated(echo));
    }

    [Fact]
    public void ManualTimeProvider_Advance_FiresDueTimersInOrderAndMovesClock()
    {
        var clock = new ManualTimeProvider();
        var fired = new List<string>();
        var start = clock.GetUtcNow();
        using var late = clock.CreateTimer(_ => fired.Add("late"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add("early"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add("tick"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["early", "tick", "late", "tick"], fired);
        Assert.Equal(start + TimeSpan.FromMilliseconds(2999), clock.GetUtcNow());
        periodic.Dispose();
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, fired.Count);
    }
}

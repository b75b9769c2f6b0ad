using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using Microsoft.Extensions.Time.Testing;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class SchedulingQueueSpec
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));

    private static PodInfo P(string name, int? priority = null) => PodInfo.From(Pod(name, priority: priority));

    [Fact]
    public async Task Pop_MixedPriorities_HighestFirstThenOldest()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("low-1"));
        queue.AddOrUpdate(P("high", priority: 1000));
        queue.AddOrUpdate(P("low-2"));

        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            order.Add((await queue.PopAsync(CancellationToken.None)).Info.Name);
        }

        Assert.Equal(["high", "low-1", "low-2"], order);
    }

    [Fact]
    public async Task Unschedulable_WaitsForAClusterChange_ThenBacksOffBeforeTheNextTry()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("p"));
        var popped = await queue.PopAsync(CancellationToken.None);
        queue.Unschedulable(popped);

        var waiting = queue.PopAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        Assert.Equal((0, 0, 1), queue.Depths);

        // The change came 30 s after the attempt: the 1 s back-off is long over.
        queue.MoveAllUnschedulable();
        var again = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("p", again.Info.Name);
        Assert.Equal(2, again.Attempts);
    }

    [Fact]
    public async Task Retry_BacksOffOneSecondThenDoubling()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("p"));
        var popped = await queue.PopAsync(CancellationToken.None);
        queue.Retry(popped);

        var next = queue.PopAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(20);
        Assert.False(next.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        popped = await next.WaitAsync(TimeSpan.FromSeconds(10));

        queue.Retry(popped);
        next = queue.PopAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(20);
        Assert.False(next.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, (await next.WaitAsync(TimeSpan.FromSeconds(10))).Attempts);
    }

    [Fact]
    public async Task Unschedulable_ClusterChangedWhileInFlight_OnlyBacksOff()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("p"));
        var popped = await queue.PopAsync(CancellationToken.None);

        queue.MoveAllUnschedulable();
        queue.Unschedulable(popped);

        Assert.Equal((0, 1, 0), queue.Depths);
    }

    [Fact]
    public async Task Unschedulable_NothingChangesForFiveMinutes_TriedAgain()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("p"));
        queue.Unschedulable(await queue.PopAsync(CancellationToken.None));

        _clock.Advance(SchedulingQueue.MaxUnschedulableWait);

        Assert.Equal("p", (await queue.PopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).Info.Name);
    }

    [Fact]
    public async Task StatusOnlyUpdate_OfAnUnschedulablePod_DoesNotRetryIt()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("p"));
        queue.Unschedulable(await queue.PopAsync(CancellationToken.None));

        queue.AddOrUpdate(P("p"), retry: false);
        Assert.Equal((0, 0, 1), queue.Depths);
        queue.AddOrUpdate(P("p"), retry: true);
        Assert.Equal(0, queue.Depths.Unschedulable);
    }

    [Fact]
    public async Task Delete_QueuedPod_NeverPopped()
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("gone"));
        queue.AddOrUpdate(P("kept"));
        queue.Delete("default/gone");

        Assert.Equal("kept", (await queue.PopAsync(CancellationToken.None)).Info.Name);
        Assert.Equal(1, queue.Count);
    }

    [Theory]
    [InlineData("TaintToleration", PodUpdate.Labels, false)]
    [InlineData("TaintToleration", PodUpdate.Tolerations, true)]
    [InlineData("NodeAffinity", PodUpdate.Labels | PodUpdate.Tolerations | PodUpdate.Requests, false)]
    [InlineData("NodeAffinity", PodUpdate.Other, true)]
    [InlineData("InterPodAffinity", PodUpdate.Labels, true)]
    [InlineData("PodTopologySpread", PodUpdate.Labels, true)]
    [InlineData("NodeResourcesFit", PodUpdate.Requests, true)]
    [InlineData("NodeResourcesFit", PodUpdate.None, false)]
    [InlineData("SomeOutOfTreePlugin", PodUpdate.Labels, true)]
    [InlineData("", PodUpdate.Labels, true)]
    public async Task AddOrUpdate_UnschedulablePodChanged_TriedAgainOnlyWhenARefusingPluginCares(string refusedBy, PodUpdate change, bool retried)
    {
        var queue = new SchedulingQueue(_clock);
        queue.AddOrUpdate(P("p"));
        var popped = await queue.PopAsync(CancellationToken.None);
        queue.Unschedulable(popped, refusedBy.Length == 0 ? new HashSet<string>() : new HashSet<string> { refusedBy });
        _clock.Advance(TimeSpan.FromSeconds(30));

        queue.AddOrUpdate(P("p"), change);

        Assert.Equal(retried ? (1, 0, 0) : (0, 0, 1), queue.Depths);
    }
}

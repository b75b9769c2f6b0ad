using Cluster.Controllers.Framework;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Framework;

public sealed class WorkQueueSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Add_SameKeyTwiceBeforeTaken_QueuedOnce()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Depth);
        Assert.Equal("a", await queue.GetAsync(CancellationToken.None).WaitAsync(Wait));
        Assert.Equal("b", await queue.GetAsync(CancellationToken.None).WaitAsync(Wait));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Add_WhileTheKeyIsProcessed_NotHandedOutUntilDone_ThenOnce()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.Add("a");
        var taken = await queue.GetAsync(CancellationToken.None).WaitAsync(Wait);
        queue.Add("a");
        queue.Add("a");

        // A second worker must not get "a" while the first still has it.
        var second = queue.GetAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(second.IsCompleted);
        Assert.Equal(0, queue.Depth);

        queue.Done(taken!);
        Assert.Equal("a", await second.WaitAsync(Wait));
        queue.Done("a");
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task AddAfter_DelayPasses_KeyQueuedOnTheInjectedClock()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1), (queue.Depth, queue.Waiting));

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Depth);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((1, 0), (queue.Depth, queue.Waiting));
        Assert.Equal("a", await queue.GetAsync(CancellationToken.None).WaitAsync(Wait));
    }

    [Fact]
    public void AddAfter_AlreadyWaiting_TheEarlierTimeWins()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));

        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal((1, 0), (queue.Depth, queue.Waiting));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, queue.Depth);
    }

    [Fact]
    public async Task ShutDown_WorkersWaiting_AllGetNull_AndNoKeyIsAcceptedAfter()
    {
        using var queue = new WorkQueue<string>(_clock);
        var workers = Enumerable.Range(0, 3).Select(_ => queue.GetAsync(CancellationToken.None)).ToArray();
        queue.ShutDown();

        Assert.All(await Task.WhenAll(workers).WaitAsync(Wait), Assert.Null);
        queue.Add("late");
        Assert.Equal(0, queue.Depth);
    }
}

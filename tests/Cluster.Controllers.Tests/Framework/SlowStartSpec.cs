using System.Collections.Concurrent;
using Cluster.Controllers.Framework;

namespace Cluster.Controllers.Tests.Framework;

public sealed class SlowStartSpec
{
    [Fact]
    public async Task BatchAsync_AllSucceed_EveryCallMadeInBatchesOfOneTwoFour()
    {
        var calls = new ConcurrentBag<int>();
        var (succeeded, failure) = await SlowStart.BatchAsync(10, 1, (i, _) => { calls.Add(i); return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal((10, null), (succeeded, failure));
        Assert.Equal(Enumerable.Range(0, 10), calls.Order());
    }

    [Fact]
    public async Task BatchAsync_ACallFailsInTheThirdBatch_StopsAfterThatBatch()
    {
        var calls = new ConcurrentBag<int>();
        var (succeeded, failure) = await SlowStart.BatchAsync(
            20,
            1,
            async (i, _) =>
            {
                calls.Add(i);
                await Task.Yield();
                if (i == 4)
                {
                    throw new InvalidOperationException("exceeded quota");
                }
            },
            CancellationToken.None);

        // Batches: [0], [1, 2], [3, 4, 5, 6]: the third has the failure, so 7 calls were made and 6 succeeded.
        Assert.Equal(Enumerable.Range(0, 7), calls.Order());
        Assert.Equal(6, succeeded);
        Assert.Equal("exceeded quota", Assert.IsType<InvalidOperationException>(failure).Message);
    }

    [Fact]
    public async Task BatchAsync_EveryCallFails_OnlyTheFirstIsMade()
    {
        var calls = 0;
        var (succeeded, failure) = await SlowStart.BatchAsync(500, 1, (_, _) => { Interlocked.Increment(ref calls); throw new InvalidOperationException("forbidden"); }, CancellationToken.None);

        Assert.Equal((0, 1), (succeeded, calls));
        Assert.NotNull(failure);
    }
}

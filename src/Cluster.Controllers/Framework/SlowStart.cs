namespace Cluster.Controllers.Framework;

/// <summary>
/// Upstream's slowStartBatch: <c>count</c> calls in batches of 1, 2, 4, ... (each batch concurrently), stopping after
/// the first batch with a failure, so a call that fails every time (a quota, a bad template) fails once or twice, not
/// <c>count</c> times.
/// </summary>
public static class SlowStart
{
    /// <returns>How many calls succeeded, and the first failure (null when all did).</returns>
    public static async Task<(int Succeeded, Exception? Failure)> BatchAsync(int count, int initialBatchSize, Func<int, CancellationToken, Task> call, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialBatchSize, 1);
        var remaining = count;
        var succeeded = 0;
        var next = 0;
        for (var batch = Math.Min(remaining, initialBatchSize); batch > 0; batch = Math.Min(2 * batch, remaining))
        {
            var calls = Enumerable.Range(next, batch).Select(i => CallAsync(call, i, ct)).ToArray();
            next += batch;
            try
            {
                await Task.WhenAll(calls).ConfigureAwait(false);
            }
            catch
            {
                // Every call of the batch has ended: count those that succeeded and report the first failure.
            }

            succeeded += calls.Count(c => c.IsCompletedSuccessfully);
            if (calls.FirstOrDefault(c => !c.IsCompletedSuccessfully) is { } failed)
            {
                return (succeeded, failed.Exception?.InnerException ?? new OperationCanceledException(ct));
            }

            remaining -= batch;
        }

        return (succeeded, null);
    }

    /// <summary>A call that throws before its first await fails its task like any other, instead of the whole batch.</summary>
    private static async Task CallAsync(Func<int, CancellationToken, Task> call, int i, CancellationToken ct) => await call(i, ct).ConfigureAwait(false);
}

namespace Cluster.Bench;

/// <summary>
/// A countdown that is awaited instead of blocked on: the benchmarks wait on thread-pool threads,
/// which Akka's default dispatcher runs actors on, and a blocked one would take a core from the
/// actors being measured.
/// </summary>
internal sealed class Countdown
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public Countdown(int count)
    {
        _remaining = count;
        if (count <= 0)
        {
            _reached.SetResult();
        }
    }

    public Task Reached => _reached.Task;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _reached.TrySetResult();
        }
    }

    /// <summary>Ends the wait with <paramref name="cause"/>: what was awaited will never be reached.</summary>
    public void Fail(Exception cause) => _reached.TrySetException(cause);
}

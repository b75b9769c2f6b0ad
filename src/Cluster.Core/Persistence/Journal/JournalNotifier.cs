namespace Cluster.Core.Persistence.Journal;

/// <summary>
/// In-process "something was committed" signal (the journal calls <see cref="Committed"/> after
/// each commit). Live queries wait on <see cref="WaitAsync"/> with a polling interval as a fallback
/// (writers in other processes, PostgreSQL LISTEN/NOTIFY hints, missed signals).
/// </summary>
public sealed class JournalNotifier
{
    private TaskCompletionSource<long> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _highestOrdering;

    /// <summary>The highest ordering announced so far.</summary>
    public long HighestOrdering => Volatile.Read(ref _highestOrdering);

    /// <summary>Raised after each commit made by this process (not for <see cref="Observed"/> ones), so it can be announced to other processes.</summary>
    public event Action<long>? CommittedLocally;

    /// <summary>Announces that this process committed events up to <paramref name="highestOrdering"/>.</summary>
    public void Committed(long highestOrdering)
    {
        Observed(highestOrdering);
        CommittedLocally?.Invoke(highestOrdering);
    }

    /// <summary>
    /// Learns that events up to <paramref name="highestOrdering"/> are committed, from another
    /// process's notice or from a write's answer (orderings are given in commit order, so every
    /// event at or below it is committed too).
    /// </summary>
    public void Observed(long highestOrdering)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _highestOrdering);
            if (highestOrdering <= current)
            {
                // Nothing new (a write's answer usually repeats what its commit announced): waking
                // every waiter here would make each one read the journal again for nothing.
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _highestOrdering, highestOrdering, current) != current);

        Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(highestOrdering);
    }

    /// <summary>Completes at the next commit after <paramref name="afterOrdering"/>, or after <paramref name="pollInterval"/>.</summary>
    public async Task WaitAsync(long afterOrdering, TimeSpan pollInterval, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        if (HighestOrdering > afterOrdering)
        {
            return;
        }

        try
        {
            await next.WaitAsync(pollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Poll anyway: a writer we are not told about may have committed.
        }
    }
}

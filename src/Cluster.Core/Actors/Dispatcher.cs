namespace Cluster.Core.Actors;

/// <summary>
/// Runs mailboxes on the .NET thread pool. A mailbox is queued only by the caller that wins
/// its "scheduled" bit, so an actor is on at most one thread; the mailbox itself is the work
/// item, so scheduling allocates nothing.
/// </summary>
internal sealed class Dispatcher(int throughput, TimeSpan throughputDeadline)
{
    /// <summary>Messages an actor processes before it yields its thread to other actors.</summary>
    public int Throughput { get; } = Math.Max(1, throughput);

    /// <summary>Milliseconds an actor may hold a thread per run; 0 = no deadline.</summary>
    public long ThroughputDeadlineTicks { get; } = (long)throughputDeadline.TotalMilliseconds;

    public void RegisterForExecution(Mailbox mailbox, bool hasMessageHint, bool hasSystemMessageHint)
    {
        if (mailbox.CanBeScheduledForExecution(hasMessageHint, hasSystemMessageHint) && mailbox.SetAsScheduled())
        {
            ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: false);
        }
    }
}

namespace Cluster.Core.Persistence.Journal;

/// <summary>
/// The outcome of one <see cref="AtomicWrite"/> in a batch handed to <see cref="IJournal.WriteAsync"/>:
/// either the rejection (nothing of the write was stored) or the orderings the journal assigned to
/// its events. The orderings are listed per event rather than as a range because a PostgreSQL
/// sequence may leave gaps even inside one insert; they ascend with the events' sequence numbers.
/// <c>default</c> is not a valid result.
/// </summary>
public readonly record struct WriteResult
{
    private WriteResult(Exception? rejection, IReadOnlyList<long> orderings)
    {
        Rejection = rejection;
        Orderings = orderings;
    }

    /// <summary>Why nothing of the write was stored (for example <see cref="SequenceConflictException"/>); null when it was stored.</summary>
    public Exception? Rejection { get; }

    /// <summary>One global ordering per event of the write, in event order; empty when rejected.</summary>
    public IReadOnlyList<long> Orderings { get; }

    /// <summary>True when the write is durably stored.</summary>
    public bool IsStored => Rejection is null;

    /// <summary>The ordering of the write's first event (0 when rejected).</summary>
    public long FirstOrdering => Orderings is [var first, ..] ? first : 0;

    /// <summary>The ordering of the write's last event (0 when rejected).</summary>
    public long LastOrdering => Orderings is [.., var last] ? last : 0;

    /// <summary>A stored write whose events got <paramref name="orderings"/> (one per event, ascending).</summary>
    public static WriteResult Stored(IReadOnlyList<long> orderings)
    {
        ArgumentNullException.ThrowIfNull(orderings);
        if (orderings.Count == 0)
        {
            throw new ArgumentException("A stored write has at least one event, so at least one ordering.", nameof(orderings));
        }

        return new WriteResult(null, orderings);
    }

    /// <summary>A write that was refused, with nothing of it stored.</summary>
    public static WriteResult Rejected(Exception rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new WriteResult(rejection, []);
    }
}

namespace Cluster.Core.Coordination;

/// <summary>
/// Where the journal's leases are kept: one row per lease name with its owner, expiry and fencing
/// counter. The SQL journals keep it in their database (<see cref="Persistence.Sql.SqlLeaseStore"/>);
/// the in-memory journal, which never leaves its process, in the process (<see cref="MemoryLeaseTable"/>).
/// </summary>
internal interface ILeaseTable
{
    /// <summary>Takes or renews <paramref name="name"/> for <paramref name="owner"/>; the fencing counter when held, null when another holds it.</summary>
    Task<long?> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>
    /// Extends, in one operation, every lease of <paramref name="names"/> that <paramref name="owner"/>
    /// still holds; answers those it extended with their fencing counters (a name left out was
    /// taken over after it ran out).
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> RenewAsync(string owner, IReadOnlyCollection<string> names, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Gives the lease up at once (the next owner need not wait for it to run out).</summary>
    Task<bool> ReleaseAsync(string name, string owner, long fencing, CancellationToken cancellationToken);
}

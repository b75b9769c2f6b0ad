using Akka.Configuration;

namespace Cluster.Core.Coordination;

/// <summary>The SQL lease's reference configuration (added by <c>WithClusterPersistence()</c>).</summary>
public static class SqlLeaseConfig
{
    /// <summary>The lease's configuration path, for <c>lease-implementation</c> settings.</summary>
    public const string Path = "akka.coordination.lease.cluster-sql";

    public const string Hocon = """
        akka.coordination.lease.cluster-sql {
          lease-class = "Cluster.Core.Coordination.SqlLease, Cluster.Core"
          # The journal plugin whose database holds the lease table.
          journal = "akka.persistence.journal.cluster-sql"
          # A holder that stops renewing loses the lease after this long (by the database's
          # clock); a new owner may have to wait that long after a crash. Shorter than failure
          # detection plus the split brain resolver's stable-after (about 12s by default), so a
          # crashed member's shard leases have run out by the time it is removed and its shards
          # start elsewhere at once.
          heartbeat-timeout = 10s
          # How often the holder renews (all of a member's leases in one statement): well
          # inside the timeout.
          heartbeat-interval = 2s
          # Longest an acquire or release may take.
          lease-operation-timeout = 5s
        }
        """;

    public static Config Default { get; } = ConfigurationFactory.ParseString(Hocon);
}

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
          # clock); a new owner may have to wait that long after a crash.
          heartbeat-timeout = 30s
          # How often the holder renews: well inside the timeout.
          heartbeat-interval = 3s
          # Longest an acquire or release may take.
          lease-operation-timeout = 5s
        }
        """;

    public static Config Default { get; } = ConfigurationFactory.ParseString(Hocon);
}

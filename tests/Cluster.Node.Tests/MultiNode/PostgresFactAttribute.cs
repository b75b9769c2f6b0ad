namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// A fact that needs the PostgreSQL server named by <c>CLUSTER_TEST_POSTGRES</c>: skipped with a clear
/// reason only when it is not set and not required (CI sets <c>CLUSTER_REQUIRE_POSTGRES=1</c>, and
/// then a missing server fails the test instead).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (MultiNodeCluster.PostgresConnectionString is null && Environment.GetEnvironmentVariable("CLUSTER_REQUIRE_POSTGRES") != "1")
        {
            Skip = "CLUSTER_TEST_POSTGRES is not set: no PostgreSQL for a cluster that spans processes (scripts/postgres.sh start; CI always sets it)";
        }
    }
}

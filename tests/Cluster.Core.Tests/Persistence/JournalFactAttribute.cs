using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cluster.Core.Tests.Persistence;

/// <summary>Marks test classes that need the PostgreSQL server named by <c>CLUSTER_TEST_POSTGRES</c>.</summary>
public interface IRequiresPostgres;

/// <summary>
/// A fact that, in a class needing PostgreSQL, is skipped with a clear reason only when
/// <c>CLUSTER_TEST_POSTGRES</c> is not set at all (a developer machine without PostgreSQL). When it is
/// set (always in CI) the test runs, and fails if the server cannot be reached.
/// </summary>
[XunitTestCaseDiscoverer("Cluster.Core.Tests.Persistence.JournalFactDiscoverer", "Cluster.Core.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class JournalFactAttribute : FactAttribute;

public sealed class JournalFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        if (typeof(IRequiresPostgres).IsAssignableFrom(testClass) && PostgresTestServer.ConnectionString is null)
        {
            yield return new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, options, testMethod,
                $"{PostgresTestServer.Variable} is not set: no PostgreSQL to test against (start one with scripts/postgres.sh start; CI always sets it)");
        }
        else
        {
            yield return new XunitTestCase(diagnosticMessageSink, display, options, testMethod);
        }
    }
}

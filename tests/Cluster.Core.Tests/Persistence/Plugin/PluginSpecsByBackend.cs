using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

// Every plugin spec on every backend: memory, SQLite (a temporary file) and PostgreSQL (a schema of
// its own per test; skipped only where CLUSTER_TEST_POSTGRES is not set, see JournalFactAttribute).
// Polling from another process needs a second journal over the same database, so no memory there.

public sealed class MemoryJournalPluginSpec(ITestOutputHelper output) : JournalPluginSpec(new MemoryBackend(), output);

public sealed class SqliteJournalPluginSpec(ITestOutputHelper output) : JournalPluginSpec(new SqliteBackend(), output);

public sealed class PostgresJournalPluginSpec(ITestOutputHelper output) : JournalPluginSpec(new PostgresBackend(), output), IRequiresPostgres;

public sealed class MemorySnapshotStorePluginSpec(ITestOutputHelper output) : SnapshotStorePluginSpec(new MemoryBackend(), output);

public sealed class SqliteSnapshotStorePluginSpec(ITestOutputHelper output) : SnapshotStorePluginSpec(new SqliteBackend(), output);

public sealed class PostgresSnapshotStorePluginSpec(ITestOutputHelper output) : SnapshotStorePluginSpec(new PostgresBackend(), output), IRequiresPostgres;

public sealed class MemoryPersistentActorPluginSpec(ITestOutputHelper output) : PersistentActorPluginSpec(new MemoryBackend(), output);

public sealed class SqlitePersistentActorPluginSpec(ITestOutputHelper output) : PersistentActorPluginSpec(new SqliteBackend(), output);

public sealed class PostgresPersistentActorPluginSpec(ITestOutputHelper output) : PersistentActorPluginSpec(new PostgresBackend(), output), IRequiresPostgres;

public sealed class MemoryCommitOrderingSpec(ITestOutputHelper output) : CommitOrderingSpec(new MemoryBackend(), output);

public sealed class SqliteCommitOrderingSpec(ITestOutputHelper output) : CommitOrderingSpec(new SqliteBackend(), output);

public sealed class PostgresCommitOrderingSpec(ITestOutputHelper output) : CommitOrderingSpec(new PostgresBackend(), output), IRequiresPostgres;

public sealed class MemoryClusterReadJournalSpec(ITestOutputHelper output) : ClusterReadJournalSpec(new MemoryBackend(), output);

public sealed class SqliteClusterReadJournalSpec(ITestOutputHelper output) : ClusterReadJournalSpec(new SqliteBackend(), output);

public sealed class PostgresClusterReadJournalSpec(ITestOutputHelper output) : ClusterReadJournalSpec(new PostgresBackend(), output), IRequiresPostgres;

public sealed class SqliteReadJournalPollingSpec(ITestOutputHelper output) : ReadJournalPollingSpec(new SqliteBackend(), output);

public sealed class PostgresReadJournalPollingSpec(ITestOutputHelper output) : ReadJournalPollingSpec(new PostgresBackend(), output), IRequiresPostgres;

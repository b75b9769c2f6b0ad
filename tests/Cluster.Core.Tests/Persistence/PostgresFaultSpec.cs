using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Postgres;

namespace Cluster.Core.Tests.Persistence;

/// <summary>PostgreSQL: ordering in commit order under concurrent writers, backup/restore, server outage.</summary>
public sealed class PostgresFaultSpec : IRequiresPostgres
{
    private static AtomicWrite Write(string persistenceId, long from, int count) =>
        new(persistenceId, "w", Enumerable.Range(0, count).Select(i => new JournalEvent(from + i, "m", new byte[] { 1 }, ["t"])).ToArray());

    [JournalFact]
    public async Task CurrentAllEvents_TailedDuringConcurrentWriters_NeverSkipsAnOrderingThatLaterAppears()
    {
        const int Writers = 8;
        const int BatchesPerWriter = 40;
        var schema = PostgresTestServer.NewSchema();
        var databases = Enumerable.Range(0, Writers + 1).Select(_ => PostgresTestServer.NewDatabase(schema)).ToArray();
        try
        {
            // Separate pools, as separate nodes: real concurrent transactions.
            var journals = databases.Select(d => new PostgresJournal(d)).ToArray();
            foreach (var journal in journals)
            {
                await journal.InitializeAsync();
            }

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var b = 0; b < BatchesPerWriter; b++)
                {
                    var results = await journals[w].WriteAsync([Write($"w{w}-a", b * 3 + 1, 3), Write($"w{w}-b", b * 2 + 1, 2)]);
                    Assert.All(results, r => Assert.Null(r.Rejection));
                }
            })).ToArray();
            var allWritten = Task.WhenAll(writers);

            // The reader advances its offset to the highest ordering it has seen, like a watch.
            var reader = journals[Writers];
            var seen = new List<long>();
            var offset = 0L;
            while (true)
            {
                var done = allWritten.IsCompleted;
                var page = await reader.CurrentAllEventsAsync(offset, 50).Select(e => e.Ordering).ToListAsync();
                seen.AddRange(page);
                offset = page.Count > 0 ? page[^1] : offset;
                if (done && page.Count == 0)
                {
                    break;
                }
            }

            await allWritten;
            var final = await reader.CurrentAllEventsAsync(0, int.MaxValue).Select(e => e.Ordering).ToListAsync();
            Assert.Equal(Writers * BatchesPerWriter * 5, final.Count);
            Assert.Equal(final, seen);
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }

            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    [JournalFact]
    public async Task BackupAsync_ThenRestoreIntoEmptySchema_ReproducesEventsSnapshotsAndOrderings()
    {
        var source = PostgresTestServer.NewSchema();
        var target = PostgresTestServer.NewSchema();
        var backupFile = Path.Combine(Path.GetTempPath(), $"pg-backup-{Guid.NewGuid():N}.bin");
        await using var sourceDb = PostgresTestServer.NewDatabase(source);
        await using var targetDb = PostgresTestServer.NewDatabase(target);
        try
        {
            var journal = new PostgresJournal(sourceDb);
            await journal.InitializeAsync();
            Assert.All(await journal.WriteAsync([Write("a", 1, 3), Write("b", 1, 2)]), r => Assert.Null(r.Rejection));
            await new PostgresSnapshotStore(sourceDb).SaveAsync(new SnapshotEntry("a", 2, 5, "s", [9]));
            var original = await journal.CurrentAllEventsAsync(0, 100).ToListAsync();

            await sourceDb.BackupAsync(backupFile);
            await targetDb.RestoreAsync(backupFile);

            var restored = new PostgresJournal(targetDb);
            await restored.InitializeAsync();
            var copy = await restored.CurrentAllEventsAsync(0, 100).ToListAsync();
            Assert.Equal(original.Select(e => (e.Ordering, e.PersistenceId, e.SequenceNr, e.Tags[0])), copy.Select(e => (e.Ordering, e.PersistenceId, e.SequenceNr, e.Tags[0])));
            Assert.Equal(2, (await new PostgresSnapshotStore(targetDb).LoadAsync("a", SnapshotSelectionCriteria.Latest))?.SequenceNr);
            Assert.All(await restored.WriteAsync([Write("a", 4, 1)]), r => Assert.Null(r.Rejection));
            Assert.True((await restored.CurrentAllEventsAsync(0, 100).ToListAsync())[^1].Ordering > original[^1].Ordering);
            await Assert.ThrowsAsync<JournalStoreException>(() => targetDb.RestoreAsync(backupFile));
        }
        finally
        {
            File.Delete(backupFile);
            await PostgresTestServer.DropSchemaAsync(source);
            await PostgresTestServer.DropSchemaAsync(target);
        }
    }

    [JournalFact]
    public async Task WriteAsync_ServerStoppedThenRestarted_FailsClearlyThenSucceedsAgain()
    {
        // Its own server, so stopping it disturbs no other test; the port can be moved off one
        // that another checkout's test run already uses.
        var port = int.TryParse(Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES_OUTAGE_PORT"), out var chosen) ? chosen : 54339;
        var directory = Path.Combine(Path.GetTempPath(), $"cluster-pg-outage-{Guid.NewGuid():N}");
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        await PostgresTestServer.RunScriptAsync("start", port, directory);
        try
        {
            await using var database = PostgresTestServer.NewDatabase("public", connectionString);
            var journal = new PostgresJournal(database);
            await journal.InitializeAsync();
            Assert.All(await journal.WriteAsync([Write("a", 1, 1)]), r => Assert.Null(r.Rejection));

            await PostgresTestServer.RunScriptAsync("stop", port, directory);
            var failure = await Assert.ThrowsAsync<JournalStoreException>(() => journal.WriteAsync([Write("a", 2, 1)]));
            Assert.Contains($"PostgreSQL 127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
            Assert.Contains("write failed", failure.Message, StringComparison.Ordinal);

            await PostgresTestServer.RunScriptAsync("start", port, directory);
            Assert.All(await journal.WriteAsync([Write("a", 2, 1)]), r => Assert.Null(r.Rejection));
            Assert.Equal([1L, 2], await journal.ReplayAsync("a", 1, long.MaxValue, long.MaxValue).Select(e => e.SequenceNr).ToListAsync());
        }
        finally
        {
            await PostgresTestServer.RunScriptAsync("destroy", port, directory);
        }
    }
}

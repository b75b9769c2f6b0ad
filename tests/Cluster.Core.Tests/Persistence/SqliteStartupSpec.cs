using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Sqlite;

namespace Cluster.Core.Tests.Persistence;

public sealed class SqliteStartupSpec
{
    [Fact]
    public async Task Initialize_SixDatabasesOnOneNewFileAtOnce_AllSucceedAndShareOneSchema()
    {
        var file = Path.Combine(Path.GetTempPath(), $"startup-{Guid.NewGuid():N}.db");
        var databases = Enumerable.Range(0, 6).Select(_ => new SqliteDatabase(file)).ToArray();
        try
        {
            var all = Task.WhenAll(databases.Select(d => Task.Run(() => d.InitializeAsync())));
            Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60))));
            await all;

            // Every instance can write and sees the others' writes: one schema, applied once.
            var journals = databases.Select(d => new SqliteJournal(d)).ToArray();
            for (var i = 0; i < journals.Length; i++)
            {
                var result = await journals[i].WriteAsync([new AtomicWrite($"id-{i}", "w", [new JournalEvent(1, "m", new byte[] { 1 }, [])])]);
                Assert.Null(result[0].Rejection);
            }

            Assert.Equal(6, await journals[0].HighestOrderingAsync());
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }

            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Core.Tests.Persistence;

/// <summary>SQLite under crashes, corruption, churn, concurrent start-up and backup/restore.</summary>
public sealed class SqliteFaultSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("journal-fault-").FullName;

    private string DatabaseFile => Path.Combine(_directory, "journal.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task WriterKilledWithSigkill_Reopened_EveryAcknowledgedEventIsThereWithoutHolesOrHalfBatches()
    {
        var acknowledged = new Dictionary<string, long>(StringComparer.Ordinal);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Cluster.Persistence.FaultWriter.dll"), DatabaseFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var child = Process.Start(start)!)
        {
            // Kill it mid-stream, after a good number of acknowledged batches.
            while (acknowledged.Values.Sum() < 3_000 && await child.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                acknowledged[parts[1]] = long.Parse(parts[2], CultureInfo.InvariantCulture);
            }

            if (child.HasExited)
            {
                Assert.Fail("the writer stopped on its own: " + await child.StandardError.ReadToEndAsync());
            }

            child.Kill(entireProcessTree: true); // SIGKILL on Unix: no flush, no clean-up.
            await child.WaitForExitAsync();
        }

        await using var journal = new SqliteJournal(DatabaseFile);
        await journal.InitializeAsync();
        var highest = new List<long>();
        foreach (var id in Enumerable.Range(0, 4).Select(i => $"writer-{i}"))
        {
            var seqs = await journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue).Select(e => e.SequenceNr).ToListAsync();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            Assert.True(seqs.Count >= acknowledged.GetValueOrDefault(id), $"{id}: {seqs.Count} stored, {acknowledged.GetValueOrDefault(id)} acknowledged");
            highest.Add(seqs.Count);
        }

        // One batch = one transaction = 3 events for every id: all ids end at the same multiple of 3.
        Assert.Single(highest.Distinct());
        Assert.Equal(0, highest[0] % 3);
    }

    [Fact]
    public async Task InitializeAsync_FileOfGarbage_ThrowsClearErrorNamingTheFileAndLeavesItUntouched()
    {
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(DatabaseFile, garbage);

        await using var journal = new SqliteJournal(DatabaseFile);
        var error = await Assert.ThrowsAsync<JournalStoreException>(() => journal.InitializeAsync());

        Assert.Contains(DatabaseFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(DatabaseFile));
    }

    [Fact]
    public async Task WriteSnapshotCompactCycles_RepeatedUnderChurn_FileSizeStaysBounded()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var database = new SqliteDatabase(DatabaseFile);
        var journal = new SqliteJournal(database, clock);
        var snapshots = new SqliteSnapshotStore(database);
        await journal.InitializeAsync();
        var payload = new byte[1024];
        long sizeAfterWarmUp = 0;

        // Leases renewed over and over: 100 ids, 5 events each per cycle, a snapshot per id, compaction.
        for (var cycle = 0; cycle < 40; cycle++)
        {
            var writes = Enumerable.Range(0, 100)
                .Select(id => new AtomicWrite($"lease-{id}", "w", Enumerable.Range(cycle * 5 + 1, 5).Select(s => new JournalEvent(s, "renewed", payload, ["leases"])).ToArray()))
                .ToArray();
            Assert.All(await journal.WriteAsync(writes), r => Assert.Null(r.Rejection));
            foreach (var id in Enumerable.Range(0, 100))
            {
                await snapshots.SaveAsync(new SnapshotEntry($"lease-{id}", (cycle + 1) * 5, clock.GetUtcNow().UtcTicks, "lease", payload));
                await snapshots.DeleteAsync($"lease-{id}", new SnapshotSelectionCriteria(MaxSequenceNr: cycle * 5));
            }

            clock.Advance(TimeSpan.FromMinutes(6));
            await journal.CompactAsync(new CompactionRequest(clock.GetUtcNow().UtcTicks));
            if (cycle == 4)
            {
                sizeAfterWarmUp = StoreSize();
            }
        }

        // 40 cycles wrote ~20 MB of events; what is kept is one event and one snapshot per id.
        Assert.True(StoreSize() <= sizeAfterWarmUp * 5 / 4, $"store grew from {sizeAfterWarmUp} to {StoreSize()} bytes");
        Assert.Equal(200, await journal.ReadHighestSequenceNrAsync("lease-7", 0));
    }

    [Fact]
    public async Task BackupAsync_WhileWriting_RestoresToAConsistentJournal()
    {
        var restoredFile = Path.Combine(_directory, "restored", "journal.db");
        var backupFile = Path.Combine(_directory, "journal.backup");
        await using (var journal = new SqliteJournal(DatabaseFile))
        {
            await journal.InitializeAsync();
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                for (long seq = 1; !stop.IsCancellationRequested; seq += 2)
                {
                    await journal.WriteAsync([new AtomicWrite("a", "w", [new JournalEvent(seq, "m", new byte[] { 1 }, []), new JournalEvent(seq + 1, "m", new byte[] { 2 }, [])])]);
                }
            });
            while (await journal.ReadHighestSequenceNrAsync("a", 0) < 100)
            {
                await Task.Yield();
            }

            await journal.Database.BackupAsync(backupFile);
            await stop.CancelAsync();
            await writer;
        }

        await SqliteDatabase.RestoreAsync(backupFile, restoredFile);

        await using var restored = new SqliteJournal(restoredFile);
        await restored.InitializeAsync();
        var seqs = await restored.ReplayAsync("a", 1, long.MaxValue, long.MaxValue).Select(e => e.SequenceNr).ToListAsync();
        Assert.True(seqs.Count >= 100);
        Assert.Equal(0, seqs.Count % 2);
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(seqs.Count, await restored.ReadHighestSequenceNrAsync("a", 0));
        await Assert.ThrowsAsync<JournalStoreException>(() => SqliteDatabase.RestoreAsync(backupFile, restoredFile));
    }

    private long StoreSize() =>
        new[] { DatabaseFile, DatabaseFile + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
}

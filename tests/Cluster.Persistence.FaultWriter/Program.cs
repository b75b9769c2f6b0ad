using System.Globalization;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Persistence.Sql.Sqlite;

// Writes batches to the SQLite journal named by args[0] forever, printing "ack <id> <highest seq>"
// for every write once WriteAsync has returned (that is: once it is acknowledged as durable). Each
// batch holds one 3-event atomic write for each of the ids, so after a crash every id must have
// the same highest sequence number, a multiple of 3, at least the last one acknowledged.
const int Ids = 4;
const int EventsPerWrite = 3;

await using var journal = new SqliteJournal(args[0]);
await journal.InitializeAsync();
var payload = new byte[512];
var stdout = Console.Out;
for (long next = 1; ; next += EventsPerWrite)
{
    var batch = Enumerable.Range(0, Ids)
        .Select(i => new AtomicWrite($"writer-{i}", "fault-writer", Enumerable.Range(0, EventsPerWrite)
            .Select(k => new JournalEvent(next + k, "fault-event", payload, ["fault"]))
            .ToArray()))
        .ToArray();
    var results = await journal.WriteAsync(batch);
    if (results.Any(r => r.Rejection is not null))
    {
        await Console.Error.WriteLineAsync("rejected: " + results.First(r => r.Rejection is not null).Rejection);
        return 1;
    }

    foreach (var write in batch)
    {
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ack {write.PersistenceId} {write.HighestSequenceNr}"));
    }

    await stdout.FlushAsync();
}

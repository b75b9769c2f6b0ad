namespace Cluster.Core.Persistence.Sql;

/// <summary>
/// SQL text shared by SQLite and PostgreSQL (both accept <c>true</c>/<c>false</c>, <c>LIMIT</c>,
/// <c>ON CONFLICT</c> and <c>RETURNING</c>); the few provider differences come in as arguments.
/// </summary>
internal static class SqlJournalStatements
{
    public const string InsertEventReturningOrdering =
        "INSERT INTO journal (deleted, persistence_id, sequence_number, created, manifest, message, identifier, writer_uuid) " +
        "VALUES (false, @pid, @seq, @created, @manifest, @message, @serializer, @writer) RETURNING ordering";

    public const string InsertTag =
        "INSERT INTO tags (ordering_id, tag, persistence_id, sequence_nr) VALUES (@ordering, @tag, @pid, @seq)";

    public const string MarkDeleted =
        "UPDATE journal SET deleted = true WHERE persistence_id = @pid AND sequence_number <= @to AND deleted = false";

    public const string PersistenceIds =
        "SELECT DISTINCT persistence_id FROM journal WHERE deleted = false";

    public const string CompactedThrough =
        "SELECT value FROM journal_state WHERE name = 'compacted_through'";

    public const string SetCompactedThrough =
        "INSERT INTO journal_state (name, value) VALUES ('compacted_through', @value) " +
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value";

    /// <summary>Rows compaction may remove (see <see cref="Journal.IJournal.CompactAsync"/>), as a condition on alias <c>j</c>.</summary>
    private const string Compactable =
        "j.created < @cutoff AND (j.deleted = true OR (" +
        " j.sequence_number <= (SELECT MAX(s.sequence_number) FROM snapshot s WHERE s.persistence_id = j.persistence_id)" +
        " AND j.sequence_number < (SELECT MAX(h.sequence_number) FROM journal h WHERE h.persistence_id = j.persistence_id)))";

    public const string CompactableMaxOrdering = "SELECT MAX(j.ordering) FROM journal j WHERE " + Compactable;

    public const string DeleteCompactableTags = "DELETE FROM tags WHERE ordering_id IN (SELECT j.ordering FROM journal j WHERE " + Compactable + ")";

    public const string DeleteCompactable = "DELETE FROM journal WHERE ordering IN (SELECT j.ordering FROM journal j WHERE " + Compactable + ")";

    /// <summary>Columns read into a <see cref="Journal.JournalEntry"/>, from alias <c>j</c>.</summary>
    public static string EntryColumns(string tagAggregate) =>
        "j.ordering, j.persistence_id, j.sequence_number, j.manifest, j.message, j.writer_uuid, j.created, " +
        $"(SELECT {tagAggregate} FROM tags t WHERE t.ordering_id = j.ordering), j.identifier";

    /// <summary>
    /// The highest sequence number of an id: its journal rows (deleted ones included) or, once
    /// compaction removed a deleted id's last row, the metadata row that remembers it.
    /// </summary>
    public static string HighestSequenceNr(string greatest) =>
        $"SELECT {greatest}(COALESCE((SELECT MAX(sequence_number) FROM journal WHERE persistence_id = @pid), 0), " +
        "COALESCE((SELECT sequence_number FROM journal_metadata WHERE persistence_id = @pid), 0))";

    public static string Replay(string tagAggregate) =>
        $"SELECT {EntryColumns(tagAggregate)} FROM journal j WHERE j.persistence_id = @pid " +
        "AND j.sequence_number >= @from AND j.sequence_number <= @to AND j.deleted = false ORDER BY j.sequence_number LIMIT @max";

    public static string AllEvents(string tagAggregate) =>
        $"SELECT {EntryColumns(tagAggregate)} FROM journal j WHERE j.ordering > @after AND j.deleted = false ORDER BY j.ordering LIMIT @limit";

    public static string EventsByTag(string tagAggregate) =>
        $"SELECT {EntryColumns(tagAggregate)} FROM journal j JOIN tags g ON g.ordering_id = j.ordering " +
        "WHERE g.tag = @tag AND g.ordering_id > @after AND j.deleted = false ORDER BY j.ordering LIMIT @limit";

    public static string HighestOrdering(string greatest) =>
        $"SELECT {greatest}(COALESCE((SELECT MAX(ordering) FROM journal), 0), COALESCE((" + CompactedThrough + "), 0))";

    /// <summary>Remembers the highest sequence number of deleted ids whose last rows compaction is about to remove.</summary>
    public static string RememberCompactedHighest(string greatest) =>
        "INSERT INTO journal_metadata (persistence_id, sequence_number) " +
        "SELECT j.persistence_id, MAX(j.sequence_number) FROM journal j WHERE j.deleted = true AND " + Compactable + " GROUP BY j.persistence_id " +
        $"ON CONFLICT (persistence_id) DO UPDATE SET sequence_number = {greatest}(journal_metadata.sequence_number, excluded.sequence_number)";
}

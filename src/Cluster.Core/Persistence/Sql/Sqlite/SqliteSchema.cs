namespace Cluster.Core.Persistence.Sql.Sqlite;

/// <summary>Versioned SQLite schema: version 1 is Akka.Persistence.Sql's default mapping and footer.</summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: journal, tags, snapshot. AUTOINCREMENT so an ordering is never reused after compaction
        // deletes the highest rows (plain INTEGER PRIMARY KEY could hand out the largest rowid again).
        """
        CREATE TABLE journal (
          ordering        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
          deleted         BOOLEAN NOT NULL,
          persistence_id  NVARCHAR(255) NOT NULL,
          sequence_number BIGINT  NOT NULL,
          created         BIGINT  NOT NULL,
          manifest        NVARCHAR(500) NULL,
          message         BLOB    NOT NULL,
          identifier      INTEGER NULL,
          writer_uuid     NVARCHAR(128) NULL
        );
        CREATE UNIQUE INDEX journal_uq ON journal (persistence_id, sequence_number);
        CREATE INDEX journal_created_idx ON journal (created);
        CREATE INDEX journal_sequence_number_idx ON journal (sequence_number);
        CREATE TABLE tags (
          ordering_id    INTEGER NOT NULL,
          tag            NVARCHAR(64)  NOT NULL,
          persistence_id NVARCHAR(255) NOT NULL,
          sequence_nr    INTEGER NOT NULL,
          PRIMARY KEY (ordering_id, tag)
        );
        CREATE INDEX tags_persistence_id_sequence_nr_idx ON tags (persistence_id, sequence_nr);
        CREATE INDEX tags_tag_idx ON tags (tag);
        CREATE TABLE snapshot (
          persistence_id  NVARCHAR(255) NOT NULL,
          sequence_number BIGINT  NOT NULL,
          created         BIGINT  NOT NULL,
          snapshot        BLOB    NULL,
          manifest        NVARCHAR(500) NULL,
          serializer_id   INTEGER NULL,
          PRIMARY KEY (persistence_id, sequence_number)
        );
        CREATE INDEX snapshot_sequence_number_idx ON snapshot (sequence_number);
        CREATE INDEX snapshot_created_idx ON snapshot (created);
        """,

        // 2: what compaction must not forget: the highest sequence number of deleted ids whose
        // last row is gone, and the ordering through which history was removed.
        """
        CREATE TABLE journal_metadata (
          persistence_id  NVARCHAR(255) NOT NULL PRIMARY KEY,
          sequence_number BIGINT NOT NULL
        );
        CREATE TABLE journal_state (
          name  NVARCHAR(64) NOT NULL PRIMARY KEY,
          value BIGINT NOT NULL
        );
        """,

        // 3: leases (Akka.Coordination's SQL lease): who holds each one, until when by the
        // database's clock (milliseconds since the epoch), and a fencing counter that grows with
        // every change of holder.
        """
        CREATE TABLE lease (
          name     NVARCHAR(255) NOT NULL PRIMARY KEY,
          owner    NVARCHAR(255) NOT NULL,
          expires  BIGINT NOT NULL,
          fencing  BIGINT NOT NULL
        );
        """,
    ];
}

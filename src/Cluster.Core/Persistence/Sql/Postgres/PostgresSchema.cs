namespace Cluster.Core.Persistence.Sql.Postgres;

/// <summary>Versioned PostgreSQL schema: version 1 is Akka.Persistence.Sql's default mapping and footer (PostgreSQL 15 provider).</summary>
internal static class PostgresSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: journal, tags, snapshot.
        """
        CREATE TABLE journal (
          ordering        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          deleted         BOOLEAN NOT NULL,
          persistence_id  VARCHAR(255) NOT NULL,
          sequence_number BIGINT  NOT NULL,
          created         BIGINT  NOT NULL,
          manifest        VARCHAR(500) NULL,
          message         BYTEA   NOT NULL,
          identifier      INTEGER NULL,
          writer_uuid     VARCHAR(128) NULL,
          CONSTRAINT journal_uq UNIQUE (persistence_id, sequence_number)
        );
        CREATE INDEX journal_created_idx ON journal (created);
        CREATE INDEX journal_sequence_number_idx ON journal (sequence_number);
        CREATE TABLE tags (
          ordering_id    BIGINT NOT NULL,
          tag            VARCHAR(64)  NOT NULL,
          persistence_id VARCHAR(255) NOT NULL,
          sequence_nr    BIGINT NOT NULL,
          PRIMARY KEY (ordering_id, tag)
        );
        CREATE INDEX tags_persistence_id_sequence_nr_idx ON tags (persistence_id, sequence_nr);
        CREATE INDEX tags_tag_idx ON tags (tag);
        CREATE TABLE snapshot (
          persistence_id  VARCHAR(255) NOT NULL,
          sequence_number BIGINT  NOT NULL,
          created         BIGINT  NOT NULL,
          snapshot        BYTEA   NULL,
          manifest        VARCHAR(500) NULL,
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
          persistence_id  VARCHAR(255) NOT NULL PRIMARY KEY,
          sequence_number BIGINT NOT NULL
        );
        CREATE TABLE journal_state (
          name  VARCHAR(64) NOT NULL PRIMARY KEY,
          value BIGINT NOT NULL
        );
        """,

        // 3: leases (Akka.Coordination's SQL lease): who holds each one, until when by the
        // database's clock (milliseconds since the epoch), and a fencing counter that grows with
        // every change of holder.
        """
        CREATE TABLE lease (
          name     VARCHAR(255) NOT NULL PRIMARY KEY,
          owner    VARCHAR(255) NOT NULL,
          expires  BIGINT NOT NULL,
          fencing  BIGINT NOT NULL
        );
        """,
    ];
}

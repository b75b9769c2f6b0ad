using Akka.Configuration;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// The plugins' own reference configuration (as every Akka module ships one): the journal and
/// snapshot store classes and their defaults, selected as the default plugins, and the read
/// journal for Akka.Persistence.Query. A host layers its own settings (provider, connection
/// string) on top.
/// </summary>
public static class ClusterPersistenceConfig
{
    public const string Hocon = """
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.cluster-sql"
            cluster-sql {
              class = "Cluster.Core.Persistence.Plugin.ClusterJournal, Cluster.Core"
              plugin-dispatcher = "akka.actor.default-dispatcher"
              provider = sqlite
              connection-string = ""
              connection-string-file = ""
              schema = public
              memory-name = ""
              max-batch-size = 1000
              # Longest wait for a snapshot or the next replayed event before recovery fails (and
              # the next command tries again). Akka's default is 30s; a query that takes this
              # long is stuck (seen once when the database restarted mid-recovery).
              recovery-event-timeout = 10s
              # Akka's replay filter (on by default) spawns one actor per recovery to drop
              # events of a second writer interleaved in the history. This journal cannot hold
              # such a history: a sequence number is stored once, and a second writer's event
              # at a taken number is rejected at write time (the actor then passivates). So
              # the filter is off: it cost an actor, created by reflection, per object recovered.
              replay-filter.mode = off
              # Akka's breaker around the store: after max-failures failed calls it fails fast,
              # and tries again after reset-timeout (Akka's default 30s; shorter here so a
              # restarted database is back in use within seconds).
              circuit-breaker {
                max-failures = 10
                call-timeout = 10s
                reset-timeout = 3s
              }
              compaction {
                history-window = 5m
                interval = 1m
              }
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.cluster-sql"
            cluster-sql {
              class = "Cluster.Core.Persistence.Plugin.ClusterSnapshotStore, Cluster.Core"
              plugin-dispatcher = "akka.actor.default-dispatcher"
              # The journal plugin whose database (and snapshot table) this store shares.
              journal = "akka.persistence.journal.cluster-sql"
              circuit-breaker {
                max-failures = 5
                call-timeout = 20s
                reset-timeout = 3s
              }
            }
          }
        }
        """ + "\n" + QueryHocon;

    /// <summary>
    /// The read journal alone (<c>PersistenceQuery</c> injects it as a fallback when a system
    /// asks for <see cref="Query.ClusterReadJournal"/> without having loaded <see cref="Default"/>;
    /// it must not select the default journal behind the host's back).
    /// </summary>
    public const string QueryHocon = """
        akka.persistence.query.journal.cluster-sql {
          class = "Cluster.Core.Persistence.Query.ClusterReadJournalProvider, Cluster.Core"
          # Live queries wake on the journal's in-process commit signal; this is the polling
          # fallback for commits that signal does not reach (another process, another node).
          refresh-interval = 1s
          # Events fetched per round trip to the database (and so buffered at most per query).
          max-buffer-size = 500
          # The journal plugin whose database the queries read.
          write-plugin = "akka.persistence.journal.cluster-sql"
        }
        """;

    public static Config Default { get; } = ConfigurationFactory.ParseString(Hocon);

    public static Config Query { get; } = ConfigurationFactory.ParseString(QueryHocon);
}

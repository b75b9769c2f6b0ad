using Akka.Configuration;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// The plugins' own reference configuration (as every Akka module ships one): the journal and
/// snapshot store classes and their defaults, selected as the default plugins. A host layers its
/// own settings (provider, connection string) on top.
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
            }
          }
        }
        """;

    public static Config Default { get; } = ConfigurationFactory.ParseString(Hocon);
}

using Akka.Configuration;

namespace Cluster.Core.Registry;

/// <summary>
/// The registry's own Akka configuration: object actors' mailbox (<see cref="Objects.ObjectMailbox"/>);
/// its journal events go through
/// <see cref="Objects.ObjectEventsSerializer"/>, and the commands and answers that cross the cluster
/// through <see cref="Objects.ObjectMessagesSerializer"/>.
/// </summary>
public static class RegistryConfig
{
    public const string Hocon = """
        akka.actor {
          # Object actors' mailbox: see ObjectMailbox (a lighter deque than Akka's default).
          registry-object-mailbox.mailbox-type = "Cluster.Core.Registry.Objects.ObjectMailbox, Cluster.Core"
          serializers {
            registry-objects = "Cluster.Core.Registry.Objects.ObjectEventsSerializer, Cluster.Core"
            registry-messages = "Cluster.Core.Registry.Objects.ObjectMessagesSerializer, Cluster.Core"
          }
          serialization-bindings {
            "Cluster.Core.Registry.Objects.ObjectEvents+Stored, Cluster.Core" = registry-objects
            "Cluster.Core.Registry.Objects.ObjectEvents+Deleted, Cluster.Core" = registry-objects
            "Cluster.Core.Registry.Objects.ObjectSnapshot, Cluster.Core" = registry-objects
            "Cluster.Core.Registry.Objects.ObjectCommand+Get, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectCommand+Create, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectCommand+Update, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectCommand+Patch, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectCommand+Delete, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectCommand+Bind, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectReply, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Objects.ObjectFailure, Cluster.Core" = registry-messages
            "Cluster.Core.Registry.Cache.JournalCommitNotice, Cluster.Core" = registry-messages
          }
        }
        """;

    public static Config Default { get; } = ConfigurationFactory.ParseString(Hocon);
}

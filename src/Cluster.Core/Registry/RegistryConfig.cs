using Akka.Configuration;

namespace Cluster.Core.Registry;

/// <summary>The registry's own Akka configuration: its journal events go through <see cref="Objects.ObjectEventsSerializer"/>.</summary>
public static class RegistryConfig
{
    public const string Hocon = """
        akka.actor {
          serializers {
            registry-objects = "Cluster.Core.Registry.Objects.ObjectEventsSerializer, Cluster.Core"
          }
          serialization-bindings {
            "Cluster.Core.Registry.Objects.ObjectEvents+Stored, Cluster.Core" = registry-objects
            "Cluster.Core.Registry.Objects.ObjectEvents+Deleted, Cluster.Core" = registry-objects
            "Cluster.Core.Registry.Objects.ObjectSnapshot, Cluster.Core" = registry-objects
          }
        }
        """;

    public static Config Default { get; } = ConfigurationFactory.ParseString(Hocon);
}

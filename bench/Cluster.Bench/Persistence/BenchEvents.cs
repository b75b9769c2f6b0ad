using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Cluster.Core.Persistence;

namespace Cluster.Bench.Persistence;

/// <summary>A benchmark event of about 200 bytes serialized, the size of a small resource change.</summary>
public sealed record BenchEvent(long Index, string Payload)
{
    private static readonly string Filler = new('x', 160);

    public static BenchEvent Numbered(long index) => new(index, Filler);
}

/// <summary>
/// The Akka serializer of <see cref="BenchEvent"/>: both journal plugins under test store the
/// same bytes (stable manifest, source-generated JSON), so they are compared on storage alone.
/// </summary>
public sealed class BenchEventSerializer(ExtendedActorSystem system)
    : ManifestJsonSerializer(system, new PersistenceSerialization().Register("bench-event.v1", BenchEventsContext.Default.BenchEvent))
{
    /// <summary>Apart from the registry's 8501 and Akka's own (below 100).</summary>
    public const int Id = 8590;

    public override int Identifier => Id;

    public static Config Binding { get; } = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers.bench-events = "Cluster.Bench.Persistence.BenchEventSerializer, Cluster.Bench"
          serialization-bindings {
            "Cluster.Bench.Persistence.BenchEvent, Cluster.Bench" = bench-events
          }
        }
        """);
}

[JsonSerializable(typeof(BenchEvent))]
internal sealed partial class BenchEventsContext : JsonSerializerContext;

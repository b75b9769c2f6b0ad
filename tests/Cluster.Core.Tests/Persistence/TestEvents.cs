using System.Text.Json.Serialization;
using Cluster.Core.Persistence;

namespace Cluster.Core.Tests.Persistence;

public sealed record Incremented(int By);

public sealed record CounterSnapshot(int Value);

[JsonSerializable(typeof(Incremented))]
[JsonSerializable(typeof(CounterSnapshot))]
internal sealed partial class TestEventsContext : JsonSerializerContext;

/// <summary>The test events' Akka serializer, with stable manifests (bound in the plugin test kit's configuration).</summary>
public sealed class TestEventsSerializer(Akka.Actor.ExtendedActorSystem system) : ManifestJsonSerializer(system, Types())
{
    public override int Identifier => 9901;

    public static PersistenceSerialization Types() => new PersistenceSerialization()
        .Register("incremented.v1", TestEventsContext.Default.Incremented)
        .Register("counter-snapshot.v1", TestEventsContext.Default.CounterSnapshot);
}

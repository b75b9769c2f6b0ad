using System.Text.Json.Serialization;

namespace Cluster.Bench.Persistence;

/// <summary>A benchmark event of about 200 bytes serialized, the size of a small resource change.</summary>
public sealed record BenchEvent(long Index, string Payload);

[JsonSerializable(typeof(BenchEvent))]
internal sealed partial class BenchEventsContext : JsonSerializerContext;

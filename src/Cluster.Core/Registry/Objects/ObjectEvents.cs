using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Plugin;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// The journal events of an object actor. Each carries the whole object, so the latest event of
/// an id is its state: the watch cache rebuilds every kind from the ordered event feed alone, and
/// compaction may drop everything older. resourceVersion is not trusted from the payload: readers
/// stamp it with the event's journal ordering.
/// </summary>
public static class ObjectEvents
{
    /// <summary>The object was created or changed; <see cref="ObjectEvent.Object"/> is its new state.</summary>
    public sealed class Stored(JsonObject @object) : ObjectEvent(@object);

    /// <summary>The object was removed; <see cref="ObjectEvent.Object"/> is its last state (what a DELETED watch event shows).</summary>
    public sealed class Deleted(JsonObject @object) : ObjectEvent(@object);

    /// <summary>
    /// An event and the object it carries. Once the writing actor has applied the event, it lets go
    /// of the object (<see cref="Release"/>): Akka.Persistence hands each write to the journal in a
    /// batch list the actor allocated at its previous write, often long promoted to the oldest
    /// generation. Dead there, that list keeps what it referenced alive until a full collection,
    /// and for an object tree of thousands of nodes per write that made every young collection
    /// slow and the heap grow. Released, the tree dies young and only the small envelope lingers.
    /// </summary>
    public abstract class ObjectEvent(JsonObject @object) : CommitOrdering.IStamped
    {
        private JsonObject? _object = @object;

        /// <summary>The object the event carries.</summary>
        public JsonObject Object => _object ?? throw new InvalidOperationException("The event's object was released by the actor that applied it.");

        /// <inheritdoc/>
        [JsonIgnore]
        public long CommitOrdering { get; set; }

        /// <summary>Drops the object: the writer applied the event and nothing reads it again.</summary>
        internal void Release() => _object = null;
    }

    /// <summary>Registers the events (and the actor's snapshot) with stable manifests.</summary>
    public static PersistenceSerialization Register(PersistenceSerialization serialization)
    {
        ArgumentNullException.ThrowIfNull(serialization);
        return serialization
            .Register("registry.object-stored.v1", ObjectEventsJsonContext.Default.Stored)
            .Register("registry.object-deleted.v1", ObjectEventsJsonContext.Default.Deleted)
            .Register("registry.object-snapshot.v1", ObjectEventsJsonContext.Default.ObjectSnapshot);
    }
}

/// <summary>
/// The Akka serializer of the registry's journal events and snapshots (bound in
/// <see cref="RegistryConfig"/>), with the stable manifests above; identifier 8501.
/// </summary>
public sealed class ObjectEventsSerializer(Akka.Actor.ExtendedActorSystem system)
    : ManifestJsonSerializer(system, ObjectEvents.Register(new PersistenceSerialization()))
{
    public const int Id = 8501;

    public override int Identifier => Id;
}

[JsonSerializable(typeof(ObjectEvents.Stored))]
[JsonSerializable(typeof(ObjectEvents.Deleted))]
[JsonSerializable(typeof(ObjectSnapshot))]
internal sealed partial class ObjectEventsJsonContext : JsonSerializerContext;

using Akka.Actor;
using Akka.Persistence.Journal;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// Journal rows from payloads and back, through the actor system's serializers: each row keeps
/// the serializer's id (column <c>identifier</c>) and its manifest, so a payload is read back by
/// the serializer that wrote it. Events persisted as <see cref="Tagged"/> are stored unwrapped
/// with their tags.
/// </summary>
public sealed class PayloadSerializer(ExtendedActorSystem system)
{
    private readonly Akka.Serialization.Serialization _serialization = system.Serialization;

    /// <summary>The event row for <paramref name="payload"/> at <paramref name="sequenceNr"/>.</summary>
    public JournalEvent ToEvent(long sequenceNr, object payload)
    {
        IReadOnlyList<string> tags = [];
        if (payload is Tagged tagged)
        {
            payload = tagged.Payload;
            tags = tagged.Tags.ToArray();
        }

        var (manifest, bytes, id) = Serialize(payload);
        return new JournalEvent(sequenceNr, manifest, bytes, tags, id);
    }

    /// <summary>The manifest, bytes and serializer id of <paramref name="value"/>.</summary>
    public (string Manifest, byte[] Bytes, int SerializerId) Serialize(object value)
    {
        var serializer = _serialization.FindSerializerFor(value);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);
        return (manifest, serializer.ToBinary(value), serializer.Identifier);
    }

    /// <summary>The payload of a stored event; an unreadable one is an error naming its id and sequence number.</summary>
    public object FromEntry(JournalEntry entry) =>
        Deserialize(entry.Payload, entry.SerializerId, entry.Manifest, entry.PersistenceId, entry.SequenceNr);

    public object Deserialize(byte[] bytes, int serializerId, string manifest, string persistenceId, long sequenceNr)
    {
        try
        {
            return _serialization.Deserialize(bytes, serializerId, manifest);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceSerializationException(
                $"Cannot read sequence number {sequenceNr} of [{persistenceId}] (serializer {serializerId}, manifest [{manifest}]): {e.Message}", e);
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cluster.Core.Persistence;

/// <summary>
/// Turns events and snapshots into bytes and back, by explicit, stable manifests (a registered
/// name per type, never a CLR type name, so renaming a class never orphans stored events) with
/// System.Text.Json source-generated type information.
/// </summary>
public sealed class PersistenceSerialization
{
    private readonly ConcurrentDictionary<Type, Registration> _byType = new();
    private readonly ConcurrentDictionary<string, Registration> _byManifest = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/> (both must be unique).</summary>
    public PersistenceSerialization Register<T>(string manifest, JsonTypeInfo<T> typeInfo)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifest);
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (manifest.Length > 500)
        {
            throw new ArgumentException("A manifest is at most 500 characters.", nameof(manifest));
        }

        var registration = new Registration(
            manifest,
            typeof(T),
            value => JsonSerializer.SerializeToUtf8Bytes((T)value, typeInfo),
            bytes => JsonSerializer.Deserialize(bytes, typeInfo)!);
        if (!_byManifest.TryAdd(manifest, registration))
        {
            throw new ArgumentException($"The manifest [{manifest}] is already registered for {_byManifest[manifest].Type}.", nameof(manifest));
        }

        if (!_byType.TryAdd(typeof(T), registration))
        {
            _byManifest.TryRemove(manifest, out _);
            throw new ArgumentException($"The type {typeof(T)} is already registered as [{_byType[typeof(T)].Manifest}].", nameof(manifest));
        }

        return this;
    }

    public bool IsRegistered(Type type) => _byType.ContainsKey(type);

    /// <summary>The manifest <paramref name="type"/> is registered under.</summary>
    public string ManifestOf(Type type) =>
        _byType.TryGetValue(type, out var registration)
            ? registration.Manifest
            : throw new PersistenceSerializationException($"No manifest is registered for {type}.");

    /// <summary>The manifest and bytes of <paramref name="value"/>; throws <see cref="PersistenceSerializationException"/> for an unregistered type.</summary>
    public (string Manifest, byte[] Payload) Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_byType.TryGetValue(value.GetType(), out var registration))
        {
            throw new PersistenceSerializationException(
                $"No manifest is registered for {value.GetType()}: register it with PersistenceSerialization.Register before persisting it.");
        }

        return (registration.Manifest, registration.Serialize(value));
    }

    /// <summary>
    /// The value stored under <paramref name="manifest"/>. An unknown manifest is an error that
    /// names the persistence id and sequence number, so the broken event can be found.
    /// </summary>
    public object Deserialize(string manifest, byte[] payload, string persistenceId, long sequenceNr)
    {
        if (!_byManifest.TryGetValue(manifest, out var registration))
        {
            throw new PersistenceSerializationException(
                $"Unknown manifest [{manifest}] for sequence number {sequenceNr} of [{persistenceId}]: no type is registered under it.");
        }

        try
        {
            return registration.Deserialize(payload);
        }
        catch (JsonException e)
        {
            throw new PersistenceSerializationException(
                $"Cannot read sequence number {sequenceNr} of [{persistenceId}] as [{manifest}]: {e.Message}", e);
        }
    }

    private sealed record Registration(string Manifest, Type Type, Func<object, byte[]> Serialize, Func<byte[], object> Deserialize);
}

/// <summary>An event or snapshot could not be serialized or read back.</summary>
public sealed class PersistenceSerializationException : Exception
{
    public PersistenceSerializationException()
    {
    }

    public PersistenceSerializationException(string message)
        : base(message)
    {
    }

    public PersistenceSerializationException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// An Akka serializer over a <see cref="PersistenceSerialization"/>: types registered with stable
/// manifests and source-generated System.Text.Json. Bind the types to it in
/// <c>akka.actor.serialization-bindings</c>; each subclass has its own fixed identifier.
/// </summary>
public abstract class ManifestJsonSerializer(Akka.Actor.ExtendedActorSystem system, PersistenceSerialization types)
    : Akka.Serialization.SerializerWithStringManifest(system)
{
    public override string Manifest(object o) => types.ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => types.Serialize(obj).Payload;

    public override object FromBinary(byte[] bytes, string manifest) => types.Deserialize(manifest, bytes, "?", 0);
}

using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Conversion;

/// <summary>
/// Converts objects between a kind's stored version and another version it is served in (upstream's
/// conversion functions between an external version and the storage version). Both directions take
/// an object the caller owns and return a new one; neither loses what the other can carry.
/// </summary>
public abstract class VersionConverter
{
    /// <summary>The kind served by this conversion (its <see cref="ResourceKind.StoredAs"/> names the stored kind).</summary>
    public abstract ResourceKind Served { get; }

    public ResourceKind Stored => Served.Storage;

    /// <summary>The stored object as the served version shows it.</summary>
    public abstract JsonObject ToServed(JsonObject stored);

    /// <summary>A served-version object (a request body, a patched object) in the stored version.</summary>
    public abstract JsonObject ToStored(JsonObject served);

    /// <summary>Rules the served version asks of the objects it creates, checked on the stored form (upstream validates the internal object with the request's version at hand).</summary>
    public virtual IReadOnlyList<StatusCause> ValidateCreate(JsonObject stored) => [];

    /// <summary>The stored kind's name for a field selector label of the served version, or null when the served version has no such label.</summary>
    public virtual string? FieldLabel(string served) => served;

    /// <summary>The converter serving <paramref name="kind"/>, or null for a stored kind.</summary>
    public static VersionConverter? For(ResourceKind kind) =>
        kind.StoredAs is null ? null
        : kind == BuiltInKinds.HorizontalPodAutoscalerV1 ? HorizontalPodAutoscalerV1Conversion.Instance
        : kind == BuiltInKinds.EventsV1Event ? EventsV1Conversion.Instance
        : throw new ArgumentException($"no conversion serves {kind.ApiVersion} {kind.Kind}", nameof(kind));

    /// <summary>A copy of <paramref name="source"/> with the served or stored type meta and every field but the ones the conversion rewrites.</summary>
    protected static JsonObject CopyExcept(JsonObject source, ResourceKind kind, params string[] rewritten)
    {
        var copy = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind };
        foreach (var (key, value) in source)
        {
            if (key is not ("apiVersion" or "kind") && !rewritten.Contains(key, StringComparer.Ordinal))
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }
}

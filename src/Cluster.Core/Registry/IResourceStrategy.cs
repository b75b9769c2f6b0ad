using System.Text.Json.Nodes;

namespace Cluster.Core.Registry;

/// <summary>
/// A kind's own rules (Kubernetes' RESTCreateStrategy / RESTUpdateStrategy): defaults, validation,
/// which fields an update may change, and which fields selectors can match. The generic store and
/// the object actor apply them; they never do I/O and never throw for bad input: they return causes.
/// </summary>
public interface IResourceStrategy
{
    ResourceKind Kind { get; }

    /// <summary>
    /// Normalizes a new object before validation (the object already has its name, namespace,
    /// apiVersion and kind): fills defaults (e.g. a container's imagePullPolicy, a port's
    /// protocol), and for kinds with a status subresource resets status to its initial value.
    /// </summary>
    void PrepareForCreate(JsonObject obj);

    /// <summary>
    /// Normalizes an update of the main resource: fills defaults in <paramref name="updated"/>
    /// and, for kinds with a status subresource, keeps <paramref name="old"/>'s status.
    /// </summary>
    void PrepareForUpdate(JsonObject updated, JsonObject old);

    /// <summary>An update through the status subresource: everything but status comes from <paramref name="old"/>.</summary>
    void PrepareForStatusUpdate(JsonObject updated, JsonObject old);

    /// <summary>Everything wrong with a new object (empty when valid); metadata is validated by the store.</summary>
    IReadOnlyList<StatusCause> Validate(JsonObject obj);

    /// <summary>Everything wrong with an update, including changes to immutable fields.</summary>
    IReadOnlyList<StatusCause> ValidateUpdate(JsonObject updated, JsonObject old);

    /// <summary>
    /// Everything wrong with an update through the status subresource (upstream's status strategies' ValidateUpdate),
    /// after <see cref="PrepareForStatusUpdate"/> took everything but status from <paramref name="old"/>. By default
    /// the whole object is validated as any update.
    /// </summary>
    IReadOnlyList<StatusCause> ValidateStatusUpdate(JsonObject updated, JsonObject old) => ValidateUpdate(updated, old);

    /// <summary>
    /// The value of a field selector's field (metadata.name and metadata.namespace are handled by
    /// the store): "" when the field is supported but absent, null when the kind does not support
    /// selecting on it (a 400 for the client).
    /// </summary>
    string? SelectableField(JsonObject obj, string field);
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// The behaviour every kind shares (upstream's generic registry strategies): defaults on every
/// write, status reset on create and kept on update for kinds with a status subresource, spec
/// kept on status updates, validation split into object rules and update-only rules, and field
/// selectors over dotted JSON paths.
/// </summary>
public abstract class ResourceStrategy : IResourceStrategy
{
    private readonly Dictionary<string, Func<JsonObject, string?>> _selectable = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = ObjectMeta.Name,
        ["metadata.namespace"] = ObjectMeta.Namespace,
    };

    protected ResourceStrategy(ResourceKind kind)
    {
        Kind = kind;
    }

    public ResourceKind Kind { get; }

    /// <summary>True for kinds served with a status subresource: their main resource may not write status.</summary>
    protected bool HasStatus => Kind.HasSubresource("status");

    public virtual void PrepareForCreate(JsonObject obj)
    {
        ApplyDefaults(obj);
        if (HasStatus && InitialStatus(obj) is { } status)
        {
            obj["status"] = status;
        }
    }

    public virtual void PrepareForUpdate(JsonObject updated, JsonObject old)
    {
        ApplyDefaults(updated);
        if (HasStatus)
        {
            CopyFrom(old, updated, "status");
        }
    }

    public virtual void PrepareForStatusUpdate(JsonObject updated, JsonObject old)
    {
        foreach (var key in updated.Select(p => p.Key).Where(k => k is not ("status" or "metadata") && !old.ContainsKey(k)).ToArray())
        {
            updated.Remove(key);
        }

        foreach (var (key, value) in old)
        {
            if (key is not ("status" or "metadata"))
            {
                updated[key] = value?.DeepClone();
            }
        }

        KeepMetadataOnStatusUpdate(ObjectMeta.Metadata(updated), old["metadata"] as JsonObject ?? []);
        ApplyDefaults(updated);
    }

    public IReadOnlyList<StatusCause> Validate(JsonObject obj)
    {
        var causes = new Causes();
        ValidateObject(obj, causes);
        ValidateCreate(obj, causes);
        return causes.Items;
    }

    public IReadOnlyList<StatusCause> ValidateUpdate(JsonObject updated, JsonObject old)
    {
        var causes = new Causes();
        ValidateObject(updated, causes);
        ValidateChange(updated, old, causes);
        return causes.Items;
    }

    /// <inheritdoc cref="IResourceStrategy.ValidateStatusUpdate"/>
    public virtual IReadOnlyList<StatusCause> ValidateStatusUpdate(JsonObject updated, JsonObject old) => ValidateUpdate(updated, old);

    public string? SelectableField(JsonObject obj, string field) =>
        _selectable.TryGetValue(field, out var read) ? read(obj) ?? "" : null;

    /// <summary>Fills defaults (upstream SetDefaults_* and declarative defaults); must be idempotent.</summary>
    protected virtual void ApplyDefaults(JsonObject obj)
    {
    }

    /// <summary>The status a new object starts with, or null to keep what the client sent.</summary>
    protected virtual JsonObject? InitialStatus(JsonObject obj) => [];

    /// <summary>Metadata a status update may not change (upstream status strategies reset some, e.g. labels).</summary>
    protected virtual void KeepMetadataOnStatusUpdate(JsonObject updated, JsonObject old)
    {
    }

    /// <summary>Rules for the object itself, checked on create and update.</summary>
    protected abstract void ValidateObject(JsonObject obj, Causes causes);

    /// <summary>Rules only a create checks.</summary>
    protected virtual void ValidateCreate(JsonObject obj, Causes causes)
    {
    }

    /// <summary>Rules about what an update changed (immutable fields).</summary>
    protected virtual void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
    }

    /// <summary>Adds field selectors read from dotted JSON paths (booleans and numbers print as Go's %v).</summary>
    protected void Selectable(params string[] paths)
    {
        foreach (var path in paths)
        {
            var segments = path.Split('.');
            _selectable[path] = obj => Scalar(segments.Aggregate((JsonNode?)obj, (node, key) => (node as JsonObject)?[key]));
        }
    }

    /// <summary>Adds a boolean field selector that reads "false" when absent, as Go's zero value prints.</summary>
    protected void SelectableBool(string path)
    {
        var segments = path.Split('.');
        _selectable[path] = obj =>
            JsonFields.Bool(segments[..^1].Aggregate((JsonNode?)obj, (node, key) => (node as JsonObject)?[key]), segments[^1]) == true ? "true" : "false";
    }

    /// <summary>Adds a field selector computed from the object.</summary>
    protected void Selectable(string field, Func<JsonObject, string?> read) => _selectable[field] = read;

    /// <summary>Copies <paramref name="key"/> from one object to another, removing it when the source has none.</summary>
    protected static void CopyFrom(JsonObject source, JsonObject target, string key)
    {
        if (source[key] is { } value)
        {
            target[key] = value.DeepClone();
        }
        else
        {
            target.Remove(key);
        }
    }

    private static string? Scalar(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        }
        : null;
}

using System.Collections.Frozen;

namespace Cluster.Core.Registry.Schemas;

/// <summary>The JSON shapes a Kubernetes field can take (the Go types behind them, seen from JSON).</summary>
public enum FieldType
{
    String,
    Boolean,
    Int32,
    Int64,

    /// <summary>A float64.</summary>
    Number,

    /// <summary>intstr.IntOrString: a string or an int32.</summary>
    IntOrString,

    /// <summary>resource.Quantity: "100m", "1Gi" or a plain number.</summary>
    Quantity,

    /// <summary>metav1.Time: an RFC 3339 string.</summary>
    DateTime,

    /// <summary>metav1.MicroTime: an RFC 3339 string with microseconds.</summary>
    MicroTime,

    /// <summary>[]byte: a base64 string.</summary>
    Byte,

    /// <summary>A struct with known properties (<see cref="SchemaNode.Ref"/> names it).</summary>
    Object,

    /// <summary>map[string]T (<see cref="SchemaNode.Items"/> is T).</summary>
    Map,

    /// <summary>[]T (<see cref="SchemaNode.Items"/> is T).</summary>
    Array,

    /// <summary>Any JSON, never checked (fieldsV1, rarely used volume sources).</summary>
    FreeForm,
}

/// <summary>How a list merges (x-kubernetes-list-type): atomic lists are replaced whole.</summary>
public enum ListType
{
    Atomic,
    Set,
    Map,
}

/// <summary>The schema of one value: its type, and for objects, maps and lists what they hold.</summary>
public sealed record SchemaNode(FieldType Type)
{
    /// <summary>For <see cref="FieldType.Object"/>: the definition's name, e.g. <c>io.k8s.api.core.v1.Container</c>.</summary>
    public string? Ref { get; init; }

    /// <summary>For maps the value schema, for arrays the item schema.</summary>
    public SchemaNode? Items { get; init; }

    public ListType ListType { get; init; }

    /// <summary>For <see cref="ListType.Map"/> lists: the keys that identify an item (x-kubernetes-list-map-keys).</summary>
    public IReadOnlyList<string> MapKeys { get; init; } = [];
}

/// <summary>One property of an object definition, with its strategic-merge-patch metadata.</summary>
public sealed record Property(string Name, SchemaNode Schema)
{
    public string? Description { get; init; }

    public bool Required { get; init; }

    /// <summary>x-kubernetes-patch-strategy: "merge", "retainKeys" or "merge,retainKeys".</summary>
    public string? PatchStrategy { get; init; }

    /// <summary>x-kubernetes-patch-merge-key, e.g. "name" for containers.</summary>
    public string? PatchMergeKey { get; init; }
}

/// <summary>A group, version and kind (x-kubernetes-group-version-kind).</summary>
public sealed record GroupVersionKind(string Group, string Version, string Kind);

/// <summary>
/// A named object definition (a Go struct of the Kubernetes API), named as the OpenAPI documents
/// name it: <c>io.k8s.api.apps.v1.DeploymentSpec</c>.
/// </summary>
public sealed class ObjectSchema
{
    private readonly FrozenDictionary<string, Property> _byName;

    public ObjectSchema(string name, string description, IReadOnlyList<Property> properties, GroupVersionKind? gvk = null)
    {
        Name = name;
        Description = description;
        Properties = properties;
        Gvk = gvk;
        _byName = properties.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        var lastDot = name.LastIndexOf('.');
        GoStruct = name[(lastDot + 1)..];
        var package = lastDot > 0 ? name[(name.LastIndexOf('.', lastDot - 1) + 1)..lastDot] : "";
        GoType = package.Length == 0 ? GoStruct : package + "." + GoStruct;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>The properties in the order upstream declares them.</summary>
    public IReadOnlyList<Property> Properties { get; }

    /// <summary>Set on top-level kinds (and their lists): what kubectl explain and apply look up.</summary>
    public GroupVersionKind? Gvk { get; }

    /// <summary>The Go struct name ("DeploymentSpec"), used in decoding error messages.</summary>
    public string GoStruct { get; }

    /// <summary>The Go type as reflect prints it ("v1.DeploymentSpec").</summary>
    public string GoType { get; }

    public bool TryGetProperty(string name, out Property property) => _byName.TryGetValue(name, out property!);
}

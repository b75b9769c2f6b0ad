namespace Cluster.Core.Registry.Schemas;

/// <summary>
/// The small vocabulary the definition files are written in, so that each definition reads like
/// the upstream Go struct: <c>P("ports", MapList(V1("ContainerPort"), "containerPort", "protocol")).Merge("containerPort")</c>.
/// </summary>
internal static class SchemaDsl
{
    public const string CoreV1 = "io.k8s.api.core.v1.";
    public const string MetaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    public const string AppsV1 = "io.k8s.api.apps.v1.";
    public const string BatchV1 = "io.k8s.api.batch.v1.";
    public const string CoordinationV1 = "io.k8s.api.coordination.v1.";
    public const string AutoscalingV1 = "io.k8s.api.autoscaling.v1.";

    public static SchemaNode Str { get; } = new(FieldType.String);

    public static SchemaNode Bool { get; } = new(FieldType.Boolean);

    public static SchemaNode I32 { get; } = new(FieldType.Int32);

    public static SchemaNode I64 { get; } = new(FieldType.Int64);

    public static SchemaNode Num { get; } = new(FieldType.Number);

    public static SchemaNode IntStr { get; } = new(FieldType.IntOrString);

    public static SchemaNode Qty { get; } = new(FieldType.Quantity);

    public static SchemaNode Time { get; } = new(FieldType.DateTime);

    public static SchemaNode MicroTime { get; } = new(FieldType.MicroTime);

    public static SchemaNode Bytes { get; } = new(FieldType.Byte);

    public static SchemaNode Any { get; } = new(FieldType.FreeForm);

    /// <summary>map[string]string, as labels, annotations and selectors are.</summary>
    public static SchemaNode StrMap { get; } = MapOf(Str);

    /// <summary>v1.ResourceList: resource name to quantity.</summary>
    public static SchemaNode Resources { get; } = MapOf(Qty);

    public static SchemaNode Strings { get; } = ListOf(Str);

    public static SchemaNode Ref(string fullName) => new(FieldType.Object) { Ref = fullName };

    /// <summary>A core/v1 definition (the group whose apiVersion is plain "v1").</summary>
    public static SchemaNode V1(string name) => Ref(CoreV1 + name);

    public static SchemaNode Meta(string name) => Ref(MetaV1 + name);

    public static SchemaNode MapOf(SchemaNode value) => new(FieldType.Map) { Items = value };

    /// <summary>An atomic list: replaced whole by patches.</summary>
    public static SchemaNode ListOf(SchemaNode item) => new(FieldType.Array) { Items = item, ListType = ListType.Atomic };

    public static SchemaNode SetOf(SchemaNode item) => new(FieldType.Array) { Items = item, ListType = ListType.Set };

    /// <summary>A list of objects identified by <paramref name="keys"/> (x-kubernetes-list-type: map).</summary>
    public static SchemaNode MapList(SchemaNode item, params string[] keys) =>
        new(FieldType.Array) { Items = item, ListType = ListType.Map, MapKeys = keys };

    public static Property P(string name, SchemaNode schema, string? description = null) => new(name, schema) { Description = description };

    public static Property Req(this Property property) => property with { Required = true };

    /// <summary>patchStrategy=merge with a merge key (lists of objects).</summary>
    public static Property Merge(this Property property, string key) => property with { PatchStrategy = "merge", PatchMergeKey = key };

    /// <summary>patchStrategy=merge on a list of primitives (e.g. finalizers): a union.</summary>
    public static Property MergeSet(this Property property) => property with { PatchStrategy = "merge" };

    /// <summary>patchStrategy=merge,retainKeys (one-of unions such as volumes), or retainKeys alone.</summary>
    public static Property RetainKeys(this Property property) =>
        property with { PatchStrategy = property.PatchStrategy is null ? "retainKeys" : property.PatchStrategy + ",retainKeys" };

    public static ObjectSchema Def(string fullName, string description, params Property[] properties) =>
        new(fullName, description, properties);

    /// <summary>A top-level kind: apiVersion, kind and metadata come first, as in every upstream kind.</summary>
    public static ObjectSchema Kind(string fullName, string group, string version, string description, params Property[] properties) =>
        new(fullName, description, [.. TypeMeta(), P("metadata", Meta("ObjectMeta"), "Standard object's metadata."), .. properties],
            new GroupVersionKind(group, version, fullName[(fullName.LastIndexOf('.') + 1)..]));

    public static Property[] TypeMeta() =>
    [
        P("apiVersion", Str, "APIVersion defines the versioned schema of this representation of an object."),
        P("kind", Str, "Kind is a string value representing the REST resource this object represents."),
    ];

    /// <summary>The four fields every status condition has, after its type and status.</summary>
    public static Property[] ConditionTail(params Property[] timestamps) =>
    [
        .. timestamps,
        P("reason", Str, "The reason for the condition's last transition."),
        P("message", Str, "A human readable message indicating details about the transition."),
    ];

    /// <summary>A conditions list merged by type, as every status' conditions are.</summary>
    public static Property Conditions(string itemDefinition) =>
        P("conditions", MapList(Ref(itemDefinition), "type"), "Represents the latest available observations of the object's state.").Merge("type");
}

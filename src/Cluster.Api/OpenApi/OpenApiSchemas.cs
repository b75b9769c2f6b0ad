using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Api.OpenApi;

/// <summary>
/// Renders schema definitions as the real API server's OpenAPI v3 <c>components.schemas</c> does:
/// references wrapped in <c>allOf</c>, the patch extensions on properties, list types on arrays,
/// and the group-version-kind on kinds, which is what kubectl explain and client-side apply read.
/// </summary>
internal static class OpenApiSchemas
{
    public const string RefPrefix = "#/components/schemas/";
    public const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    public const string ListMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
    private const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const string Time = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    private const string MicroTime = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";

    /// <summary>The name a kind's definition has: the catalog's, or a reverse-DNS one for a kind without a schema.</summary>
    public static string DefinitionName(SchemaCatalog catalog, ResourceKind kind) =>
        catalog.ForKind(kind)?.Name
        ?? string.Join('.', (kind.Group.Length == 0 ? "core" : kind.Group).Split('.').Reverse()) + "." + kind.Version + "." + kind.Kind;

    /// <summary>
    /// <c>components.schemas</c> for <paramref name="roots"/> and everything they reference, plus
    /// permissive definitions for <paramref name="schemaless"/> kinds (their fields are not known).
    /// </summary>
    public static JsonObject Components(SchemaCatalog catalog, IEnumerable<ObjectSchema> roots, IEnumerable<ResourceKind> schemaless)
    {
        var closure = catalog.Closure(roots);
        var schemas = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var definition in closure)
        {
            schemas[definition.Name] = Definition(definition);
        }

        foreach (var (name, schema) in NamedScalars(closure))
        {
            schemas[name] = schema;
        }

        foreach (var kind in schemaless)
        {
            var name = DefinitionName(catalog, kind);
            schemas[name] = Schemaless(kind);
            schemas[name + "List"] = SchemalessList(kind, name);
        }

        var result = new JsonObject();
        foreach (var (name, schema) in schemas)
        {
            result[name] = schema;
        }

        return result;
    }

    /// <summary>A kind whose fields are not known: apiVersion, kind and metadata, and any other field kept.</summary>
    private static JsonObject Schemaless(ResourceKind kind) => new()
    {
        ["description"] = kind.Kind + " is served without a published schema: any field is kept.",
        ["type"] = "object",
        ["properties"] = TypeMetaAnd("metadata", new JsonObject { ["allOf"] = new JsonArray(Ref(ObjectMeta)), ["default"] = new JsonObject() }),
        ["x-kubernetes-preserve-unknown-fields"] = true,
        ["x-kubernetes-group-version-kind"] = Gvks(new GroupVersionKind(kind.Group, kind.Version, kind.Kind)),
    };

    private static JsonObject SchemalessList(ResourceKind kind, string name)
    {
        var properties = TypeMetaAnd("metadata", new JsonObject { ["allOf"] = new JsonArray(Ref(ListMeta)), ["default"] = new JsonObject() });
        properties["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["allOf"] = new JsonArray(Ref(name)), ["default"] = new JsonObject() } };
        return new JsonObject
        {
            ["description"] = kind.Kind + "List is a list of " + kind.Kind + " objects.",
            ["type"] = "object",
            ["required"] = new JsonArray("items"),
            ["properties"] = properties,
            ["x-kubernetes-group-version-kind"] = Gvks(new GroupVersionKind(kind.Group, kind.Version, kind.Kind + "List")),
        };
    }

    private static JsonObject TypeMetaAnd(string name, JsonObject schema) => new()
    {
        ["apiVersion"] = new JsonObject { ["type"] = "string" },
        ["kind"] = new JsonObject { ["type"] = "string" },
        [name] = schema,
    };

    public static JsonObject Ref(string name) => new() { ["$ref"] = RefPrefix + name };

    public static JsonObject GvkObject(GroupVersionKind gvk) => new() { ["group"] = gvk.Group, ["kind"] = gvk.Kind, ["version"] = gvk.Version };

    private static JsonArray Gvks(GroupVersionKind gvk) => [GvkObject(gvk)];

    private static JsonObject Definition(ObjectSchema definition)
    {
        var schema = new JsonObject { ["description"] = definition.Description, ["type"] = "object" };
        var required = definition.Properties.Where(p => p.Required).Select(p => (JsonNode)p.Name).ToArray();
        if (required.Length > 0)
        {
            schema["required"] = new JsonArray(required);
        }

        if (definition.Properties.Count > 0)
        {
            var properties = new JsonObject();
            foreach (var property in definition.Properties)
            {
                properties[property.Name] = PropertySchema(property);
            }

            schema["properties"] = properties;
        }

        if (definition.Gvk is { } gvk)
        {
            schema["x-kubernetes-group-version-kind"] = Gvks(gvk);
        }

        return schema;
    }

    private static JsonObject PropertySchema(Property property)
    {
        var schema = new JsonObject();
        if (property.Description is { } description)
        {
            schema["description"] = description;
        }

        Shape(schema, property.Schema);
        if (property.PatchMergeKey is { } key)
        {
            schema["x-kubernetes-patch-merge-key"] = key;
        }

        if (property.PatchStrategy is { } strategy)
        {
            schema["x-kubernetes-patch-strategy"] = strategy;
        }

        return schema;
    }

    /// <summary>A list item or map value: a named scalar is a bare $ref there, as upstream writes it.</summary>
    private static JsonObject Item(SchemaNode node)
    {
        if (ScalarName(node.Type) is { } name)
        {
            return Ref(name);
        }

        var schema = new JsonObject();
        Shape(schema, node);
        return schema;
    }

    /// <summary>Adds the type keywords of <paramref name="node"/> to <paramref name="schema"/>.</summary>
    private static void Shape(JsonObject schema, SchemaNode node)
    {
        switch (node.Type)
        {
            case FieldType.String:
                schema["type"] = "string";
                break;
            case FieldType.Boolean:
                schema["type"] = "boolean";
                break;
            case FieldType.Int32 or FieldType.Int64:
                schema["type"] = "integer";
                schema["format"] = node.Type == FieldType.Int32 ? "int32" : "int64";
                break;
            case FieldType.Number:
                schema["type"] = "number";
                schema["format"] = "double";
                break;
            case FieldType.Byte:
                schema["type"] = "string";
                schema["format"] = "byte";
                break;
            case FieldType.IntOrString or FieldType.Quantity or FieldType.DateTime or FieldType.MicroTime or FieldType.Object:
                schema["allOf"] = new JsonArray(Ref(ScalarName(node.Type) ?? node.Ref!));
                if (node.Type == FieldType.Object)
                {
                    schema["default"] = new JsonObject();
                }

                break;
            case FieldType.Map:
                schema["type"] = "object";
                schema["additionalProperties"] = Item(node.Items!);
                break;
            case FieldType.Array:
                schema["type"] = "array";
                schema["items"] = Item(node.Items!);
                schema["x-kubernetes-list-type"] = node.ListType.ToString().ToLowerInvariant();
                if (node.ListType == ListType.Map)
                {
                    schema["x-kubernetes-list-map-keys"] = new JsonArray([.. node.MapKeys.Select(k => (JsonNode)k)]);
                }

                break;
            default:
                schema["type"] = "object";
                schema["x-kubernetes-preserve-unknown-fields"] = true;
                break;
        }
    }

    private static string? ScalarName(FieldType type) => type switch
    {
        FieldType.IntOrString => IntOrString,
        FieldType.Quantity => Quantity,
        FieldType.DateTime => Time,
        FieldType.MicroTime => MicroTime,
        _ => null,
    };

    /// <summary>
    /// The named scalar definitions the closure's properties refer to. IntOrString and Quantity
    /// have no single type (oneOf, as upstream's v3 documents), which is also what makes kubectl
    /// explain print their names instead of "string".
    /// </summary>
    private static IEnumerable<(string Name, JsonObject Schema)> NamedScalars(IReadOnlyList<ObjectSchema> closure)
    {
        var used = closure.SelectMany(d => d.Properties).Select(p => Leaf(p.Schema).Type).ToHashSet();
        if (used.Contains(FieldType.IntOrString))
        {
            yield return (IntOrString, new JsonObject
            {
                ["description"] = "IntOrString is a type that can hold an int32 or a string.",
                ["format"] = "int-or-string",
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
            });
        }

        if (used.Contains(FieldType.Quantity))
        {
            yield return (Quantity, new JsonObject
            {
                ["description"] = "Quantity is a fixed-point representation of a number, e.g. \"100m\", \"1Gi\" or \"2\".",
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }),
            });
        }

        if (used.Contains(FieldType.DateTime))
        {
            yield return (Time, new JsonObject { ["description"] = "Time is an RFC 3339 date and time, in seconds.", ["type"] = "string", ["format"] = "date-time" });
        }

        if (used.Contains(FieldType.MicroTime))
        {
            yield return (MicroTime, new JsonObject { ["description"] = "MicroTime is an RFC 3339 date and time with microseconds.", ["type"] = "string", ["format"] = "date-time" });
        }
    }

    private static SchemaNode Leaf(SchemaNode node) => node.Items is { } items ? Leaf(items) : node;
}

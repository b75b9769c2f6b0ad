using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Schemas;

/// <summary>
/// Checks an object held as a JSON tree against its kind's schema, as upstream's strict decoder
/// does when it decodes into the Go structs: fields the schema does not know (anywhere, also in
/// list items and map values), and values of the wrong JSON type or format. Null is always
/// accepted (it means "unset" for every Go type) and free-form fields are never looked into.
/// </summary>
public static class SchemaValidator
{
    /// <summary>Checks <paramref name="obj"/> against the built-in schema of <paramref name="kind"/>; a kind without a schema is always clean.</summary>
    public static SchemaReport Check(ResourceKind kind, JsonObject obj) => Check(SchemaCatalog.BuiltIn, kind, obj);

    public static SchemaReport Check(SchemaCatalog catalog, ResourceKind kind, JsonObject obj) =>
        catalog.ForKind(kind) is { } schema ? Check(catalog, schema, obj) : SchemaReport.Clean;

    public static SchemaReport Check(SchemaCatalog catalog, ObjectSchema schema, JsonObject obj)
    {
        var walker = new Walker(catalog, prune: false);
        walker.Run(obj, schema);
        return walker.Unknown.Count == 0 && walker.TypeErrors.Count == 0 ? SchemaReport.Clean : new SchemaReport(walker.Unknown, walker.TypeErrors);
    }

    /// <summary>
    /// Removes every unknown field in place, as upstream's decoding into Go structs drops them
    /// (under Warn and Ignore the object is stored without them). Returns how many were removed.
    /// </summary>
    public static int RemoveUnknownFields(ResourceKind kind, JsonObject obj)
    {
        if (SchemaCatalog.BuiltIn.ForKind(kind) is not { } schema)
        {
            return 0;
        }

        var walker = new Walker(SchemaCatalog.BuiltIn, prune: true);
        walker.Run(obj, schema);
        foreach (var (parent, key) in walker.Removals)
        {
            parent.Remove(key);
        }

        return walker.Removals.Count;
    }

    private sealed class Walker(SchemaCatalog catalog, bool prune)
    {
        public List<string> Unknown { get; } = [];

        public List<SchemaTypeError> TypeErrors { get; } = [];

        public List<(JsonObject Parent, string Key)> Removals { get; } = [];

        public void Run(JsonObject obj, ObjectSchema schema)
        {
            try
            {
                Object(obj, schema, "", "");
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or FormatException)
            {
                // A JsonValue wrapping an arbitrary CLR value can refuse to report its kind; what was
                // found up to there stands, and the rest is left to the strategy's validation.
            }
        }

        private void Object(JsonObject obj, ObjectSchema schema, string path, string goField)
        {
            foreach (var (key, value) in obj)
            {
                var childPath = path.Length == 0 ? key : path + "." + key;
                if (!schema.TryGetProperty(key, out var property))
                {
                    Unknown.Add(childPath);
                    if (prune)
                    {
                        Removals.Add((obj, key));
                    }

                    continue;
                }

                Value(value, property.Schema, childPath, schema, goField.Length == 0 ? key : goField + "." + key);
            }
        }

        /// <param name="owner">The struct holding the field (Go's error context names it).</param>
        /// <param name="goField">The field path without list indexes and map keys, as Go reports it.</param>
        private void Value(JsonNode? node, SchemaNode schema, string path, ObjectSchema owner, string goField)
        {
            var kind = node?.GetValueKind() ?? JsonValueKind.Null;
            if (kind == JsonValueKind.Null || schema.Type == FieldType.FreeForm)
            {
                return;
            }

            switch (schema.Type)
            {
                case FieldType.Object when node is JsonObject child:
                    if (catalog.Find(schema.Ref!) is { } definition)
                    {
                        Object(child, definition, path, goField);
                    }

                    return;
                case FieldType.Map when node is JsonObject map:
                    foreach (var (key, value) in map)
                    {
                        Value(value, schema.Items!, path + "." + key, owner, goField);
                    }

                    return;
                case FieldType.Array when node is JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Value(array[i], schema.Items!, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", owner, goField);
                    }

                    return;
                case FieldType.Object or FieldType.Map or FieldType.Array:
                    Mismatch(path, schema, Describe(kind), owner, goField);
                    return;
                default:
                    Scalar(node!, kind, schema, path, owner, goField);
                    return;
            }
        }

        private void Scalar(JsonNode node, JsonValueKind kind, SchemaNode schema, string path, ObjectSchema owner, string goField)
        {
            switch (schema.Type)
            {
                case FieldType.String when kind == JsonValueKind.String:
                case FieldType.Boolean when kind is JsonValueKind.True or JsonValueKind.False:
                case FieldType.Number when kind == JsonValueKind.Number:
                case FieldType.IntOrString when kind == JsonValueKind.String:
                    return;
                case FieldType.Int32 or FieldType.Int64 or FieldType.IntOrString when kind == JsonValueKind.Number:
                    var raw = node.ToJsonString();
                    var fits = long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                        && (schema.Type == FieldType.Int64 || n is >= int.MinValue and <= int.MaxValue);
                    if (!fits)
                    {
                        Mismatch(path, schema, "number " + raw, owner, goField);
                    }

                    return;
                case FieldType.Quantity:
                    var text = kind == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                    Format(path, schema, kind, ValueFormats.QuantityError(text));
                    return;
                case FieldType.DateTime or FieldType.MicroTime when kind == JsonValueKind.String:
                    Format(path, schema, kind, ValueFormats.TimeError(node.GetValue<string>()));
                    return;
                case FieldType.Byte when kind == JsonValueKind.String:
                    Format(path, schema, kind, ValueFormats.Base64Error(node.GetValue<string>()));
                    return;
                default:
                    Mismatch(path, schema, Describe(kind), owner, goField);
                    return;
            }
        }

        private void Mismatch(string path, SchemaNode schema, string value, ObjectSchema owner, string goField) =>
            TypeErrors.Add(new SchemaTypeError(path, Expected(schema), value.Split(' ')[0],
                $"json: cannot unmarshal {value} into Go struct field {owner.GoStruct}.{goField} of type {GoValueType(schema)}"));

        private void Format(string path, SchemaNode schema, JsonValueKind kind, string? error)
        {
            if (error is not null)
            {
                TypeErrors.Add(new SchemaTypeError(path, Expected(schema), Describe(kind), error));
            }
        }

        /// <summary>The Go type whose decoding failed: IntOrString and Time decode an int32 or a string inside.</summary>
        private string GoValueType(SchemaNode schema) => schema.Type switch
        {
            FieldType.IntOrString => "int32",
            FieldType.DateTime or FieldType.MicroTime => "string",
            _ => GoType(schema),
        };

        private string GoType(SchemaNode schema) => schema.Type switch
        {
            FieldType.String => "string",
            FieldType.Boolean => "bool",
            FieldType.Int32 => "int32",
            FieldType.Int64 => "int64",
            FieldType.Number => "float64",
            FieldType.IntOrString => "intstr.IntOrString",
            FieldType.Quantity => "resource.Quantity",
            FieldType.DateTime => "v1.Time",
            FieldType.MicroTime => "v1.MicroTime",
            FieldType.Byte => "[]uint8",
            FieldType.Object => catalog.Find(schema.Ref!)?.GoType ?? "struct",
            FieldType.Map => "map[string]" + GoType(schema.Items!),
            FieldType.Array => "[]" + GoType(schema.Items!),
            _ => "interface {}",
        };

        private static string Expected(SchemaNode schema) => schema.Type switch
        {
            FieldType.IntOrString => "int-or-string",
            FieldType.DateTime or FieldType.MicroTime => "date-time",
            _ => schema.Type.ToString().ToLowerInvariant(),
        };

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Array => "array",
            _ => "object",
        };
    }
}

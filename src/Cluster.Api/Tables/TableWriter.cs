using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Api.Tables;

/// <summary>Writes a meta.k8s.io/v1 Table, the answer to <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>.</summary>
public static class TableWriter
{
    /// <summary>
    /// Writes the whole Table: list metadata, the column definitions (left out when
    /// <paramref name="includeColumns"/> is false, as for watch events after the first), and one row per object.
    /// </summary>
    public static void WriteTable(
        Utf8JsonWriter w,
        ITableConverter converter,
        IEnumerable<JsonObject> objects,
        string resourceVersion,
        string? continueToken,
        IncludeObject include,
        bool includeColumns,
        DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", resourceVersion);
        if (!string.IsNullOrEmpty(continueToken))
        {
            w.WriteString("continue", continueToken);
        }

        w.WriteEndObject();

        if (includeColumns)
        {
            w.WriteStartArray("columnDefinitions");
            foreach (var column in converter.Columns)
            {
                w.WriteStartObject();
                w.WriteString("name", column.Name);
                w.WriteString("type", column.Type);
                w.WriteString("format", column.Format);
                w.WriteString("description", column.Description);
                w.WriteNumber("priority", column.Priority);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("rows");
        foreach (var obj in objects)
        {
            w.WriteStartObject();
            w.WriteStartArray("cells");
            foreach (var cell in converter.Cells(obj, now))
            {
                WriteCell(w, cell);
            }

            w.WriteEndArray();
            WriteRowObject(w, obj, include);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRowObject(Utf8JsonWriter w, JsonObject obj, IncludeObject include)
    {
        switch (include)
        {
            case IncludeObject.Object:
                w.WritePropertyName("object");
                obj.WriteTo(w);
                break;
            case IncludeObject.Metadata:
                w.WriteStartObject("object");
                w.WriteString("kind", "PartialObjectMetadata");
                w.WriteString("apiVersion", "meta.k8s.io/v1");
                w.WriteStartObject("metadata");
                if (obj["metadata"] is JsonObject metadata)
                {
                    foreach (var (key, value) in metadata)
                    {
                        if (key != "managedFields")
                        {
                            w.WritePropertyName(key);
                            WriteNode(w, value);
                        }
                    }
                }

                w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
    }

    private static void WriteCell(Utf8JsonWriter w, object? cell)
    {
        switch (cell)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case JsonNode node:
                node.WriteTo(w);
                break;
            default:
                w.WriteStringValue(Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteNode(Utf8JsonWriter w, JsonNode? node)
    {
        if (node is null)
        {
            w.WriteNullValue();
        }
        else
        {
            node.WriteTo(w);
        }
    }
}

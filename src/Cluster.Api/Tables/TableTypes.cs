using System.Text.Json.Nodes;

namespace Cluster.Api.Tables;

/// <summary>One column of a meta.k8s.io/v1 Table (TableColumnDefinition).</summary>
/// <param name="Name">The header; kubectl upper-cases it.</param>
/// <param name="Type">The OpenAPI type of the cells: "string", "integer", "boolean", "date".</param>
/// <param name="Format">"name" for the column kubectl prefixes with the kind when several kinds are printed, else "".</param>
/// <param name="Description">A human-readable description of the column.</param>
/// <param name="Priority">0 for default columns, 1 for columns shown only with <c>-o wide</c>.</param>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority);

/// <summary>
/// Turns objects of one kind into Table cells, as the API server's printers do. Like the real server,
/// cells always include the wide (priority 1) columns; kubectl hides them without <c>-o wide</c>.
/// </summary>
public interface ITableConverter
{
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The cells of one row: strings, longs or booleans, one per column.</summary>
    IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now);
}

/// <summary>What each Table row carries besides its cells (the <c>includeObject</c> query parameter).</summary>
public enum IncludeObject
{
    /// <summary>No object.</summary>
    None,

    /// <summary>A PartialObjectMetadata with the object's metadata: the server's default.</summary>
    Metadata,

    /// <summary>The full object.</summary>
    Object,
}

internal sealed class TableConverter(IReadOnlyList<TableColumn> columns, Func<JsonObject, DateTimeOffset, object?[]> cells) : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } = columns;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) => cells(obj, now);
}

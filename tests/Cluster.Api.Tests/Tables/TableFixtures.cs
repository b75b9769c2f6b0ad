using System.Text.Json.Nodes;
using Cluster.Api.Tables;
using Cluster.Core.Registry;

namespace Cluster.Api.Tests.Tables;

internal static class TableFixtures
{
    public static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>RFC 3339 time <paramref name="ago"/> before <see cref="Now"/>.</summary>
    public static string Ago(TimeSpan ago) => ObjectMeta.Timestamp(Now - ago);

    public static object?[] Cells(ResourceKind kind, string json) => [.. TableConverters.For(kind).Cells(Parse(json), Now)];

    /// <summary>The cells of the columns without priority (what kubectl shows without -o wide).</summary>
    public static object?[] NarrowCells(ResourceKind kind, string json)
    {
        var converter = TableConverters.For(kind);
        var cells = converter.Cells(Parse(json), Now);
        return [.. cells.Where((_, i) => converter.Columns[i].Priority == 0)];
    }

    public static string[] Headers(ResourceKind kind) => [.. TableConverters.For(kind).Columns.Select(c => c.Priority == 0 ? c.Name : "[" + c.Name + "]")];
}

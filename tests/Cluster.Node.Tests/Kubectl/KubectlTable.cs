using System.Text.RegularExpressions;

namespace Cluster.Node.Tests.Kubectl;

/// <summary>
/// One table printed by kubectl get (or api-resources), read by the header's column positions: kubectl pads every
/// column to its widest cell, and some headers ("NOMINATED NODE") contain a single space.
/// </summary>
public sealed partial class KubectlTable
{
    private readonly string _text;

    private KubectlTable(string text, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        _text = text;
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }

    /// <summary>The tables of an output, one per block separated by blank lines (get of several kinds).</summary>
    public static IReadOnlyList<KubectlTable> ParseAll(string output) =>
        [.. output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(ParseBlock)];

    public static KubectlTable Parse(string output)
    {
        var tables = ParseAll(output);
        Assert.True(tables.Count == 1, $"Expected one table but got {tables.Count}:\n{output}");
        return tables[0];
    }

    /// <summary>The only row whose NAME cell is <paramref name="name"/>.</summary>
    public IReadOnlyDictionary<string, string> Row(string name)
    {
        var rows = Rows.Where(r => r["NAME"] == name).ToList();
        Assert.True(rows.Count == 1, $"Expected one row named {name} in:\n{_text}");
        return rows[0];
    }

    /// <summary>The values of one column, top to bottom.</summary>
    public IReadOnlyList<string> Column(string column)
    {
        Assert.True(Columns.Contains(column), $"No column {column} in:\n{_text}");
        return [.. Rows.Select(r => r[column])];
    }

    public override string ToString() => _text;

    private static KubectlTable ParseBlock(string block)
    {
        var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var headers = HeaderPattern().Matches(lines[0]);
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var row = new Dictionary<string, string>();
            for (var i = 0; i < headers.Count; i++)
            {
                var start = headers[i].Index;
                var end = i + 1 < headers.Count ? headers[i + 1].Index : line.Length;
                row[headers[i].Value] = start >= line.Length ? "" : line[start..Math.Min(end, line.Length)].Trim();
            }

            rows.Add(row);
        }

        return new KubectlTable(block, [.. headers.Select(h => h.Value)], rows);
    }

    [GeneratedRegex(@"\S+(?: \S+)*")]
    private static partial Regex HeaderPattern();
}

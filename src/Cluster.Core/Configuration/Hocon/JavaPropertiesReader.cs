using System.Globalization;
using System.Text;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// Reads Java .properties syntax (as java.util.Properties.load does) into a tree: keys split on
/// every '.', values always strings. When a key is both a value and a parent ("a=1", "a.b=2"),
/// the object wins, as in the reference implementation.
/// </summary>
internal static class JavaPropertiesReader
{
    public static HoconObject Read(string text, string source)
    {
        var entries = new List<(string[] Path, string Value, HoconOrigin Origin)>();
        foreach (var (line, lineNumber) in LogicalLines(text))
        {
            var (key, value) = SplitKeyValue(line);
            entries.Add((key.Split('.'), value, new HoconOrigin(source, lineNumber, 1)));
        }

        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, _, _) in entries)
        {
            for (var i = 1; i < path.Length; i++)
            {
                parents.Add(string.Join('\u0000', path[..i]));
            }
        }

        var root = new HoconObject(new HoconOrigin(source, 1, 1));
        foreach (var (path, value, origin) in entries)
        {
            if (parents.Contains(string.Join('\u0000', path)))
            {
                continue;
            }

            var current = root;
            foreach (var element in path[..^1])
            {
                if (!current.Fields.TryGetValue(element, out var child) || child is not HoconObject childObject)
                {
                    childObject = new HoconObject(origin);
                    current.Fields[element] = childObject;
                }

                current = childObject;
            }

            current.Fields[path[^1]] = HoconScalar.String(value, origin);
        }

        return root;
    }

    private static IEnumerable<(string Line, int Number)> LogicalLines(string text)
    {
        var physical = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var builder = new StringBuilder();
        var startLine = 0;
        for (var i = 0; i < physical.Length; i++)
        {
            var line = physical[i].TrimStart(' ', '\t', '\f');
            if (builder.Length == 0)
            {
                if (line.Length == 0 || line[0] is '#' or '!')
                {
                    continue;
                }

                startLine = i + 1;
            }

            if (EndsWithContinuation(line))
            {
                builder.Append(line, 0, line.Length - 1);
                continue;
            }

            builder.Append(line);
            yield return (builder.ToString(), startLine);
            builder.Clear();
        }

        if (builder.Length > 0)
        {
            yield return (builder.ToString(), startLine);
        }
    }

    private static bool EndsWithContinuation(string line)
    {
        var backslashes = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static (string Key, string Value) SplitKeyValue(string line)
    {
        var index = 0;
        var key = new StringBuilder();
        while (index < line.Length)
        {
            var c = line[index];
            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }

            index = c == '\\' ? AppendEscape(line, index, key) : index + 1;
            if (c != '\\')
            {
                key.Append(c);
            }
        }

        while (index < line.Length && line[index] is ' ' or '\t' or '\f')
        {
            index++;
        }

        if (index < line.Length && line[index] is '=' or ':')
        {
            index++;
        }

        while (index < line.Length && line[index] is ' ' or '\t' or '\f')
        {
            index++;
        }

        var value = new StringBuilder();
        while (index < line.Length)
        {
            var c = line[index];
            index = c == '\\' ? AppendEscape(line, index, value) : index + 1;
            if (c != '\\')
            {
                value.Append(c);
            }
        }

        return (key.ToString(), value.ToString());
    }

    /// <summary>Appends the character a backslash escape stands for and returns the index after the escape.</summary>
    private static int AppendEscape(string line, int index, StringBuilder target)
    {
        if (index + 1 >= line.Length)
        {
            return index + 1;
        }

        var escaped = line[index + 1];
        switch (escaped)
        {
            case 't':
                target.Append('\t');
                break;
            case 'n':
                target.Append('\n');
                break;
            case 'r':
                target.Append('\r');
                break;
            case 'f':
                target.Append('\f');
                break;
            case 'u' when index + 6 <= line.Length
                && int.TryParse(line.AsSpan(index + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                target.Append((char)code);
                return index + 6;
            default:
                target.Append(escaped);
                break;
        }

        return index + 2;
    }
}

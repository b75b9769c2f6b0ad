using System.Text;
using System.Text.RegularExpressions;

namespace Cluster.Core.Configuration.Hocon;

internal sealed partial class HoconParser
{
    private void ParseInclude(HoconObject obj)
    {
        var keyword = Advance();
        SkipWhitespace(newlines: true);

        // Tokenizing `required(file("x"))` gives unquoted "required(file(", a quoted "x" and unquoted "))".
        var prefix = new StringBuilder();
        while (Peek.Kind is HoconTokenKind.Unquoted or HoconTokenKind.Whitespace)
        {
            var token = Advance();
            prefix.Append(token.Kind == HoconTokenKind.Whitespace ? " " : token.Text);
        }

        var match = IncludePrefix().Match(prefix.ToString());
        if (!match.Success || Peek.Kind != HoconTokenKind.Quoted)
        {
            throw Error(keyword, "expected the include parameter to be a quoted file name, file(\"...\"), classpath(\"...\") or url(\"...\") "
                + "(optionally inside required(...)), with no space before '('");
        }

        var name = Advance();
        var required = match.Groups["required"].Success;
        var source = match.Groups["source"].Success ? match.Groups["source"].Value : string.Empty;
        var closing = new string(')', (required ? 1 : 0) + (source.Length > 0 ? 1 : 0));
        var suffix = new StringBuilder();
        while (Peek.Kind is HoconTokenKind.Unquoted or HoconTokenKind.Whitespace)
        {
            var token = Advance();
            if (token.Kind == HoconTokenKind.Unquoted)
            {
                suffix.Append(token.Text);
            }
        }

        if (suffix.ToString() != closing)
        {
            throw Error(name, $"expected '{closing}' after the include file name, got '{suffix}'");
        }

        if (_arrayDepth > 0)
        {
            throw Error(keyword, "include is not supported inside a list element (the reference implementation rejects it too)");
        }

        var kind = source switch
        {
            "file" => HoconIncludeKind.File,
            "url" => HoconIncludeKind.Url,
            "classpath" => HoconIncludeKind.Classpath,
            _ => HoconIncludeKind.Heuristic,
        };
        var included = _includer.Include(kind, name.Text, required, keyword.Origin);
        if (_pathStack.Count > 0)
        {
            HoconMerge.Relativize(included, [.. _pathStack]);
        }

        foreach (var (key, value) in included.Fields)
        {
            obj.Fields[key] = obj.Fields.TryGetValue(key, out var existing)
                ? HoconMerge.Merge(existing, value, [.. _pathStack, key])
                : value;
        }
    }

    [GeneratedRegex(@"^(?<required>required\( ?)?((?<source>file|url|classpath)\( ?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IncludePrefix();
}

using System.Text;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>Path expressions: "a.b.c", where a quoted piece ("a.b") is never split on its dots.</summary>
public static class HoconPath
{
    /// <summary>Parses a path expression such as <c>akka.actor."my.key"</c> into its elements.</summary>
    public static IReadOnlyList<string> Parse(string expression)
    {
        var origin = new HoconOrigin("path expression", 1, 1);
        List<HoconToken> tokens;
        try
        {
            tokens = HoconTokenizer.Tokenize(expression, "path expression", json: false);
        }
        catch (HoconException e)
        {
            throw new HoconException(HoconErrorKind.BadPath, e.Origin, $"invalid path '{expression}': {e.Detail}");
        }

        var pieces = new List<HoconPathPiece>();
        foreach (var token in tokens)
        {
            if (token.Kind == HoconTokenKind.EndOfFile)
            {
                break;
            }

            if (!token.IsSimpleValue && token.Kind != HoconTokenKind.Whitespace)
            {
                throw new HoconException(HoconErrorKind.BadPath, origin, $"invalid path '{expression}': {token.Describe()} is not allowed in a path");
            }

            pieces.Add(new HoconPathPiece(token.Text, token.Kind == HoconTokenKind.Quoted));
        }

        return FromPieces(TrimWhitespace(pieces), origin);
    }

    /// <summary>Renders path elements back to an expression, quoting elements that would not survive unquoted.</summary>
    public static string Render(IEnumerable<string> elements) => string.Join('.', elements.Select(RenderElement));

    internal static string[] FromPieces(IReadOnlyList<HoconPathPiece> pieces, HoconOrigin origin)
    {
        if (pieces.Count == 0)
        {
            throw new HoconException(HoconErrorKind.BadPath, origin, "empty path: expected at least one path element");
        }

        var elements = new List<string>();
        var current = new StringBuilder();
        var currentHasQuotedPart = false;
        foreach (var piece in pieces)
        {
            if (piece.Quoted)
            {
                current.Append(piece.Text);
                currentHasQuotedPart = true;
                continue;
            }

            var parts = piece.Text.Split('.');
            current.Append(parts[0]);
            for (var i = 1; i < parts.Length; i++)
            {
                FinishElement();
                current.Append(parts[i]);
            }
        }

        FinishElement();
        return [.. elements];

        void FinishElement()
        {
            if (current.Length == 0 && !currentHasQuotedPart)
            {
                throw new HoconException(HoconErrorKind.BadPath, origin,
                    "path has a leading, trailing or doubled '.': quote an empty element as \"\" if you meant one");
            }

            elements.Add(current.ToString());
            current.Clear();
            currentHasQuotedPart = false;
        }
    }

    internal static List<HoconPathPiece> TrimWhitespace(List<HoconPathPiece> pieces)
    {
        var first = pieces.FindIndex(p => p.Quoted || !IsBlank(p.Text));
        var last = pieces.FindLastIndex(p => p.Quoted || !IsBlank(p.Text));
        return first < 0 ? [] : pieces.GetRange(first, last - first + 1);
    }

    private static bool IsBlank(string text) => text.All(HoconCharacters.IsWhitespace);

    private static string RenderElement(string element)
    {
        var plain = element.Length > 0
            && element.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            && !HoconCharacters.IsNumberStart(element[0])
            && element is not ("true" or "false" or "null" or "include");
        return plain ? element : HoconJsonText.Quote(element);
    }
}

using System.Globalization;
using System.Text;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// Splits HOCON (or strict JSON) text into tokens. Whitespace is kept as tokens because value
/// concatenation preserves the whitespace between simple values; comments are dropped.
/// </summary>
internal sealed class HoconTokenizer
{
    private static readonly string[] SpaceRuns = Enumerable.Range(0, 65).Select(n => new string(' ', n)).ToArray();

    private readonly string _text;
    private readonly string _source;
    private readonly bool _json;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    public HoconTokenizer(string text, string source, bool json)
    {
        _text = text;
        _source = source;
        _json = json;
    }

    public static List<HoconToken> Tokenize(string text, string source, bool json)
    {
        var tokenizer = new HoconTokenizer(text, source, json);
        var tokens = new List<HoconToken>();
        while (true)
        {
            var token = tokenizer.NextToken();
            tokens.Add(token);
            if (token.Kind == HoconTokenKind.EndOfFile)
            {
                return tokens;
            }
        }
    }

    private HoconOrigin Here => new(_source, _line, _position - _lineStart + 1);

    private char Peek(int offset = 0) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    private bool AtEnd => _position >= _text.Length;

    private HoconException Error(string detail) => new(HoconErrorKind.Parse, Here, detail);

    public HoconToken NextToken()
    {
        while (!AtEnd && IsCommentStart())
        {
            if (_json)
            {
                throw Error("comments are not allowed in JSON");
            }

            while (!AtEnd && _text[_position] != '\n')
            {
                _position++;
            }
        }

        var origin = Here;
        if (AtEnd)
        {
            return new HoconToken(HoconTokenKind.EndOfFile, string.Empty, origin);
        }

        var c = _text[_position];
        switch (c)
        {
            case '\n':
                _position++;
                _line++;
                _lineStart = _position;
                return new HoconToken(HoconTokenKind.Newline, "\n", origin);
            case '"':
                return ReadQuoted(origin);
            case '{':
                return Single(HoconTokenKind.OpenBrace, "{", origin);
            case '}':
                return Single(HoconTokenKind.CloseBrace, "}", origin);
            case '[':
                return Single(HoconTokenKind.OpenBracket, "[", origin);
            case ']':
                return Single(HoconTokenKind.CloseBracket, "]", origin);
            case ',':
                return Single(HoconTokenKind.Comma, ",", origin);
            case ':':
                return Single(HoconTokenKind.Colon, ":", origin);
            case '=' when !_json:
                return Single(HoconTokenKind.EqualsSign, "=", origin);
            case '+' when Peek(1) == '=' && !_json:
                _position += 2;
                return new HoconToken(HoconTokenKind.PlusEquals, "+=", origin);
            case '$' when !_json:
                return ReadSubstitution(origin);
        }

        if (HoconCharacters.IsWhitespaceNotNewline(c))
        {
            var start = _position;
            while (!AtEnd && HoconCharacters.IsWhitespaceNotNewline(_text[_position]))
            {
                _position++;
            }

            return new HoconToken(HoconTokenKind.Whitespace, WhitespaceText(start), origin);
        }

        if (HoconCharacters.IsNumberStart(c))
        {
            return ReadNumber(origin);
        }

        if (HoconCharacters.NotInUnquotedText.Contains(c, StringComparison.Ordinal))
        {
            throw Error($"reserved character '{c}' is not allowed outside quotes (quote the value if you meant it as text)");
        }

        return ReadUnquoted(origin);
    }

    /// <summary>Indentation is most of a file's whitespace; runs of plain spaces share cached strings.</summary>
    private string WhitespaceText(int start)
    {
        var length = _position - start;
        var span = _text.AsSpan(start, length);
        return length < SpaceRuns.Length && !span.ContainsAnyExcept(' ') ? SpaceRuns[length] : span.ToString();
    }

    private bool IsCommentStart() => Peek() == '#' || (Peek() == '/' && Peek(1) == '/');

    private HoconToken Single(HoconTokenKind kind, string text, HoconOrigin origin)
    {
        _position++;
        return new HoconToken(kind, text, origin);
    }

    private HoconToken ReadUnquoted(HoconOrigin origin)
    {
        var start = _position;
        while (!AtEnd)
        {
            var c = _text[_position];
            if (HoconCharacters.IsWhitespace(c) || HoconCharacters.NotInUnquotedText.Contains(c, StringComparison.Ordinal)
                || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            _position++;
        }

        var text = _text[start.._position];

        // The keywords are recognised only at the start of an unquoted run: "truefoo" is true then "foo".
        foreach (var keyword in (ReadOnlySpan<string>)["true", "false", "null"])
        {
            if (text.StartsWith(keyword, StringComparison.Ordinal))
            {
                _position = start + keyword.Length;
                var kind = keyword == "null" ? HoconTokenKind.Null : HoconTokenKind.Boolean;
                return new HoconToken(kind, keyword, origin);
            }
        }

        if (_json)
        {
            throw new HoconException(HoconErrorKind.Parse, origin, $"unquoted text '{text}' is not allowed in JSON");
        }

        return new HoconToken(HoconTokenKind.Unquoted, text, origin);
    }

    private HoconToken ReadNumber(HoconOrigin origin)
    {
        var start = _position;
        var decimalOrExponent = false;
        _position++;
        while (!AtEnd && HoconCharacters.NumberChars.Contains(_text[_position], StringComparison.Ordinal))
        {
            decimalOrExponent |= _text[_position] is '.' or 'e' or 'E';
            _position++;
        }

        var text = _text[start.._position];
        var isNumber = decimalOrExponent
            ? double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out _)
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        if (isNumber)
        {
            return new HoconToken(HoconTokenKind.Number, text, origin);
        }

        // Not a number after all ("-", "1-2", "1e"): the reference implementation reads it as unquoted text.
        if (text.Contains('+', StringComparison.Ordinal))
        {
            throw new HoconException(HoconErrorKind.Parse, origin, "reserved character '+' is not allowed outside quotes");
        }

        if (_json)
        {
            throw new HoconException(HoconErrorKind.Parse, origin, $"'{text}' is not a valid JSON number");
        }

        return new HoconToken(HoconTokenKind.Unquoted, text, origin);
    }

    private HoconToken ReadQuoted(HoconOrigin origin)
    {
        if (Peek(1) == '"' && Peek(2) == '"' && !_json)
        {
            return ReadTripleQuoted(origin);
        }

        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw Error("end of file inside a quoted string: expected a closing '\"'");
            }

            var c = _text[_position];
            switch (c)
            {
                case '"':
                    _position++;
                    return new HoconToken(HoconTokenKind.Quoted, builder.ToString(), origin);
                case '\\':
                    ReadEscape(builder);
                    break;
                case '\n':
                    throw Error("newline inside a quoted string: expected a closing '\"' (use \\n or a \"\"\" string)");
                case < ' ':
                    throw Error($"unescaped control character U+{(int)c:X4} inside a quoted string: expected it escaped");
                default:
                    builder.Append(c);
                    _position++;
                    break;
            }
        }
    }

    private void ReadEscape(StringBuilder builder)
    {
        var escaped = Peek(1);
        _position += 2;
        switch (escaped)
        {
            case '"' or '\\' or '/':
                builder.Append(escaped);
                break;
            case 'b':
                builder.Append('\b');
                break;
            case 'f':
                builder.Append('\f');
                break;
            case 'n':
                builder.Append('\n');
                break;
            case 'r':
                builder.Append('\r');
                break;
            case 't':
                builder.Append('\t');
                break;
            case 'u':
                if (_position + 4 > _text.Length
                    || !int.TryParse(_text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw Error("expected four hex digits after \\u");
                }

                builder.Append((char)code);
                _position += 4;
                break;
            default:
                _position -= 2;
                throw Error($"backslash followed by '{escaped}' is not a valid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
    }

    private HoconToken ReadTripleQuoted(HoconOrigin origin)
    {
        _position += 3;
        var start = _position;
        while (true)
        {
            if (AtEnd)
            {
                throw Error("end of file inside a triple-quoted string: expected a closing '\"\"\"'");
            }

            var c = _text[_position];
            if (c == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // A run of more than three quotes closes the string; the extra quotes belong to its content.
                var runEnd = _position + 3;
                while (runEnd < _text.Length && _text[runEnd] == '"')
                {
                    runEnd++;
                }

                var content = _text[start..(runEnd - 3)];
                _position = runEnd;
                return new HoconToken(HoconTokenKind.Quoted, content, origin);
            }

            _position++;
            if (c == '\n')
            {
                _line++;
                _lineStart = _position;
            }
        }
    }

    private HoconToken ReadSubstitution(HoconOrigin origin)
    {
        var start = _position;
        if (Peek(1) != '{')
        {
            _position++;
            throw Error($"'$' must be followed by '{{' to start a substitution, not '{Describe(Peek())}'");
        }

        _position += 2;
        var optional = Peek() == '?';
        if (optional)
        {
            _position++;
        }

        var pieces = new List<HoconToken>();
        while (true)
        {
            var token = NextToken();
            if (token.Kind == HoconTokenKind.CloseBrace)
            {
                break;
            }

            if (token.Kind is not (HoconTokenKind.Whitespace or HoconTokenKind.Unquoted or HoconTokenKind.Quoted
                or HoconTokenKind.Number or HoconTokenKind.Boolean or HoconTokenKind.Null))
            {
                throw new HoconException(HoconErrorKind.Parse, token.Origin, $"expected a path and '}}' in substitution, got {token.Describe()}");
            }

            pieces.Add(token);
        }

        var first = pieces.FindIndex(t => t.Kind != HoconTokenKind.Whitespace);
        var last = pieces.FindLastIndex(t => t.Kind != HoconTokenKind.Whitespace);
        if (first < 0)
        {
            throw new HoconException(HoconErrorKind.BadPath, origin, "empty substitution: expected a path inside ${}");
        }

        var path = pieces.GetRange(first, last - first + 1)
            .Select(t => new HoconPathPiece(t.Text, t.Kind == HoconTokenKind.Quoted))
            .ToList();
        return new HoconToken(HoconTokenKind.Substitution, _text[start.._position], origin)
        {
            OptionalSubstitution = optional,
            SubstitutionPath = path,
        };
    }

    private static string Describe(char c) => c switch
    {
        '\0' => "end of file",
        '\n' => "newline",
        _ => c.ToString(),
    };
}

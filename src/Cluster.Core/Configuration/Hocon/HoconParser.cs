using System.Runtime.CompilerServices;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// Builds an unresolved tree from tokens: objects (with or without root braces), arrays, path
/// keys, value concatenation, <c>+=</c> and includes. Duplicate keys are merged as they are met.
/// </summary>
internal sealed partial class HoconParser
{
    private readonly HoconTokenizer _tokenizer;
    private readonly bool _json;
    private readonly HoconIncluder _includer;
    private readonly List<string> _pathStack = [];
    private HoconToken _current;
    private int _arrayDepth;

    private HoconParser(HoconTokenizer tokenizer, bool json, HoconIncluder includer)
    {
        // Tokens are pulled one at a time (the grammar needs one token of look-ahead), so a large file never holds a token list.
        _tokenizer = tokenizer;
        _current = tokenizer.NextToken();
        _json = json;
        _includer = includer;
    }

    /// <summary>Parses a whole document; the root is an object or (only for documents that are not configs) an array.</summary>
    public static HoconValue ParseDocument(string text, string source, bool json, HoconIncluder includer)
    {
        var parser = new HoconParser(new HoconTokenizer(text, source, json), json, includer);
        return parser.ParseRoot();
    }

    private HoconToken Peek => _current;

    private HoconToken Advance()
    {
        var token = _current;
        if (token.Kind != HoconTokenKind.EndOfFile)
        {
            _current = _tokenizer.NextToken();
        }

        return token;
    }

    private static HoconException Error(HoconToken token, string detail) => new(HoconErrorKind.Parse, token.Origin, detail);

    private HoconValue ParseRoot()
    {
        SkipWhitespace(newlines: true);
        HoconValue root;
        switch (Peek.Kind)
        {
            case HoconTokenKind.OpenBrace:
                Advance();
                root = ParseObject(braced: true, Peek.Origin);
                break;
            case HoconTokenKind.OpenBracket:
                root = ParseArray();
                break;
            default:
                if (_json)
                {
                    throw Error(Peek, $"expected a JSON object or array at the root, got {Peek.Describe()}");
                }

                return ParseObject(braced: false, Peek.Origin);
        }

        SkipWhitespace(newlines: true);
        if (Peek.Kind != HoconTokenKind.EndOfFile)
        {
            throw Error(Peek, $"document has trailing tokens after the root object or array: {Peek.Describe()}; expected end of file");
        }

        return root;
    }

    private void SkipWhitespace(bool newlines)
    {
        while (Peek.Kind == HoconTokenKind.Whitespace || (newlines && Peek.Kind == HoconTokenKind.Newline))
        {
            Advance();
        }
    }

    private void EnsureStack(HoconToken token)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(token, "the document nests objects and arrays too deeply to parse");
        }
    }

    /// <summary>Parses fields up to the closing brace (or the end of input for a root without braces); the open brace is already consumed.</summary>
    private HoconObject ParseObject(bool braced, HoconOrigin origin)
    {
        EnsureStack(Peek);
        var obj = new HoconObject(origin);
        SkipWhitespace(newlines: true);
        if (Peek.Kind == HoconTokenKind.Comma)
        {
            throw Error(Peek, "expected a key or '}' at the start of an object, got ','");
        }

        while (true)
        {
            SkipWhitespace(newlines: true);
            var token = Peek;
            if (token.Kind == HoconTokenKind.CloseBrace)
            {
                if (!braced)
                {
                    throw Error(token, "unbalanced close brace '}' with no open brace");
                }

                Advance();
                return obj;
            }

            if (token.Kind == HoconTokenKind.EndOfFile)
            {
                return braced ? throw Error(token, "expected '}' to close the object, got end of file") : obj;
            }

            if (!_json && token.Kind == HoconTokenKind.Unquoted && token.Text == "include")
            {
                ParseInclude(obj);
            }
            else
            {
                ParseField(obj);
            }

            ExpectFieldSeparator(braced);
        }
    }

    private void ExpectFieldSeparator(bool braced)
    {
        SkipWhitespace(newlines: _json);
        var token = Peek;
        switch (token.Kind)
        {
            case HoconTokenKind.Comma:
                Advance();
                SkipWhitespace(newlines: true);
                if (Peek.Kind == HoconTokenKind.Comma)
                {
                    throw Error(Peek, "expected a key after ',', got another ','");
                }

                if (_json && Peek.Kind == HoconTokenKind.CloseBrace)
                {
                    throw Error(Peek, "expected a key after ',' (JSON allows no trailing comma), got '}'");
                }

                return;
            case HoconTokenKind.Newline when !_json:
            case HoconTokenKind.CloseBrace when braced:
            case HoconTokenKind.EndOfFile when !braced:
                return;
            default:
                throw Error(token, $"expected ',' or a newline after a field, got {token.Describe()} "
                    + "(quote it if it was meant to be part of a key or value)");
        }
    }

    private void ParseField(HoconObject obj)
    {
        var keyStart = Peek;
        var path = ParseKey();
        SkipWhitespace(newlines: true);
        var separator = Peek;
        HoconValue value;
        PushPath(path);
        try
        {
            switch (separator.Kind)
            {
                case HoconTokenKind.Colon:
                case HoconTokenKind.EqualsSign:
                    Advance();
                    SkipWhitespace(newlines: true);
                    value = ParseValue();
                    break;
                case HoconTokenKind.OpenBrace when !_json:
                    // As in the reference implementation, `key { ... }` takes exactly the object: no concatenation follows it.
                    Advance();
                    value = ParseObject(braced: true, separator.Origin);
                    break;
                case HoconTokenKind.PlusEquals:
                    Advance();
                    SkipWhitespace(newlines: true);
                    value = AppendTo(ParseValue(), separator.Origin);
                    break;
                default:
                    throw Error(separator, $"key '{HoconPath.Render(path)}' may not be followed by {separator.Describe()}: expected ':', '=' or '{{'");
            }
        }
        finally
        {
            _pathStack.RemoveRange(_pathStack.Count - path.Length, path.Length);
        }

        SetField(obj, path, value, keyStart.Origin);
    }

    /// <summary><c>a += v</c> means <c>a = ${?a} [v]</c>, with the path taken from the enclosing objects.</summary>
    private HoconConcatenation AppendTo(HoconValue element, HoconOrigin origin)
    {
        var self = new HoconSubstitution([.. _pathStack], optional: true, prefixLength: 0, origin);
        var array = new HoconArray([element], element.Origin);
        return new HoconConcatenation([self, array], origin);
    }

    private void PushPath(string[] path) => _pathStack.AddRange(path);

    private void SetField(HoconObject obj, string[] path, HoconValue value, HoconOrigin origin)
    {
        for (var i = path.Length - 1; i >= 1; i--)
        {
            var wrapper = new HoconObject(origin);
            wrapper.Fields[path[i]] = value;
            value = wrapper;
        }

        var key = path[0];
        obj.Fields[key] = obj.Fields.TryGetValue(key, out var existing)
            ? HoconMerge.Merge(existing, value, [.. _pathStack, key])
            : value;
    }

    private string[] ParseKey()
    {
        var first = Peek;
        if (_json)
        {
            if (first.Kind != HoconTokenKind.Quoted)
            {
                throw Error(first, $"expected a quoted key in JSON, got {first.Describe()}");
            }

            Advance();
            return [first.Text];
        }

        var pieces = new List<HoconPathPiece>();
        while (Peek.IsSimpleValue || Peek.Kind == HoconTokenKind.Whitespace)
        {
            var token = Advance();
            pieces.Add(new HoconPathPiece(token.Text, token.Kind == HoconTokenKind.Quoted));
        }

        if (Peek.Kind == HoconTokenKind.Substitution)
        {
            throw Error(Peek, "substitutions are not allowed in keys: expected a key");
        }

        pieces = HoconPath.TrimWhitespace(pieces);
        return pieces.Count == 0
            ? throw Error(first, $"expected a key, got {first.Describe()}")
            : HoconPath.FromPieces(pieces, first.Origin);
    }
}

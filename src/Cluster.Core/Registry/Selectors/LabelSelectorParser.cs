using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Selectors;

/// <summary>
/// The label selector grammar of apimachinery's <c>labels.Parse</c>, token for token, so that
/// what is accepted, what is rejected and the words of each error match a real API server.
/// </summary>
internal sealed class LabelSelectorParser
{
    private const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";

    private readonly List<(Token Token, string Literal)> _items;
    private int _position;

    private LabelSelectorParser(string text) => _items = Lex(text);

    private enum Token
    {
        Error,
        EndOfString,
        ClosedPar,
        Comma,
        DoesNotExist,
        DoubleEquals,
        EqualsSign,
        GreaterThan,
        Identifier,
        In,
        LessThan,
        NotEquals,
        NotIn,
        OpenPar,
    }

    /// <summary>Why the parse failed, or null; on success, the requirements in input order.</summary>
    private string? Error { get; set; }

    public static (List<LabelRequirement>? Requirements, string? Error) Parse(string text)
    {
        var parser = new LabelSelectorParser(text);
        var requirements = parser.ParseAll();
        return (parser.Error is null ? requirements : null, parser.Error);
    }

    private List<LabelRequirement> ParseAll()
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (tok, lit) = Lookahead(values: true);
            switch (tok)
            {
                case Token.Identifier or Token.DoesNotExist:
                    var requirement = ParseRequirement();
                    if (requirement is null)
                    {
                        Error = "unable to parse requirement: " + Error;
                        return requirements;
                    }

                    requirements.Add(requirement);
                    var (next, nextLit) = Consume(values: true);
                    switch (next)
                    {
                        case Token.EndOfString:
                            return requirements;
                        case Token.Comma:
                            var (after, afterLit) = Lookahead(values: true);
                            if (after is not (Token.Identifier or Token.DoesNotExist))
                            {
                                return Fail(requirements, $"found '{afterLit}', expected: identifier after ','");
                            }

                            break;
                        default:
                            return Fail(requirements, $"found '{nextLit}', expected: ',' or 'end of string'");
                    }

                    break;
                case Token.EndOfString:
                    return requirements;
                default:
                    return Fail(requirements, $"found '{lit}', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private List<LabelRequirement> Fail(List<LabelRequirement> requirements, string error)
    {
        Error = error;
        return requirements;
    }

    private LabelRequirement? ParseRequirement()
    {
        if (!ParseKeyAndInferOperator(out var key, out var op))
        {
            return null;
        }

        if (op is not (LabelOperator.Exists or LabelOperator.DoesNotExist))
        {
            if (ParseOperator() is not { } binary)
            {
                return null;
            }

            op = binary;
            IEnumerable<string>? values = op is LabelOperator.In or LabelOperator.NotIn ? ParseValues() : ParseExactValue();
            if (values is null)
            {
                return null;
            }

            return Build(key, op, values.Order(StringComparer.Ordinal));
        }

        return Build(key, op, []);
    }

    private LabelRequirement? Build(string key, LabelOperator op, IEnumerable<string> values)
    {
        var requirement = LabelRequirement.Create(key, op, values, out var errors);
        if (errors.Count > 0)
        {
            Error = FieldErrors.Aggregate(errors);
            return null;
        }

        return requirement;
    }

    /// <summary>Reads [!]KEY; with nothing after the key the operator is Exists (or DoesNotExist with '!').</summary>
    private bool ParseKeyAndInferOperator(out string key, out LabelOperator op)
    {
        key = "";
        op = LabelOperator.Equals;
        var isNot = false;
        var (tok, literal) = Consume(values: true);
        if (tok == Token.DoesNotExist)
        {
            isNot = true;
            (tok, literal) = Consume(values: true);
        }

        if (tok != Token.Identifier)
        {
            Error = $"found '{literal}', expected: identifier";
            return false;
        }

        var keyErrors = NameValidation.IsQualifiedName(literal);
        if (keyErrors.Count > 0)
        {
            // Upstream parses without a field path, so the error names the field "<nil>".
            Error = "<nil>: " + FieldErrors.Invalid("", literal, string.Join("; ", keyErrors)).Message;
            return false;
        }

        key = literal;
        if (isNot)
        {
            op = LabelOperator.DoesNotExist;
        }
        else if (Lookahead(values: true).Token is Token.EndOfString or Token.Comma)
        {
            op = LabelOperator.Exists;
        }

        return true;
    }

    private LabelOperator? ParseOperator()
    {
        var (tok, lit) = Consume(values: false);
        LabelOperator? op = tok switch
        {
            Token.In => LabelOperator.In,
            Token.EqualsSign => LabelOperator.Equals,
            Token.DoubleEquals => LabelOperator.DoubleEquals,
            Token.GreaterThan => LabelOperator.GreaterThan,
            Token.LessThan => LabelOperator.LessThan,
            Token.NotIn => LabelOperator.NotIn,
            Token.NotEquals => LabelOperator.NotEquals,
            _ => null,
        };
        if (op is null)
        {
            Error = $"found '{lit}', expected: {BinaryOperators}";
        }

        return op;
    }

    /// <summary>Reads "(a,b,...)"; empty entries stand for the empty value, as upstream.</summary>
    private SortedSet<string>? ParseValues()
    {
        var (tok, lit) = Consume(values: true);
        if (tok != Token.OpenPar)
        {
            Error = $"found '{lit}' expected: '('";
            return null;
        }

        (tok, lit) = Lookahead(values: true);
        switch (tok)
        {
            case Token.Identifier or Token.Comma:
                var set = ParseIdentifiersList();
                if (set is null)
                {
                    return null;
                }

                if (Consume(values: true).Token != Token.ClosedPar)
                {
                    Error = $"found '{lit}', expected: ')'";
                    return null;
                }

                return set;
            case Token.ClosedPar:
                Consume(values: true);
                return new SortedSet<string>(StringComparer.Ordinal) { "" };
            default:
                Error = $"found '{lit}', expected: ',', ')' or identifier";
                return null;
        }
    }

    private SortedSet<string>? ParseIdentifiersList()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var (tok, lit) = Consume(values: true);
            switch (tok)
            {
                case Token.Identifier:
                    set.Add(lit);
                    var (next, nextLit) = Lookahead(values: true);
                    switch (next)
                    {
                        case Token.Comma:
                            continue;
                        case Token.ClosedPar:
                            return set;
                        default:
                            Error = $"found '{nextLit}', expected: ',' or ')'";
                            return null;
                    }

                case Token.Comma:
                    if (set.Count == 0)
                    {
                        set.Add(""); // "(,"
                    }

                    var following = Lookahead(values: true).Token;
                    if (following == Token.ClosedPar)
                    {
                        set.Add(""); // ",)"
                        return set;
                    }

                    if (following == Token.Comma)
                    {
                        Consume(values: true);
                        set.Add(""); // ",,"
                    }

                    break;
                default:
                    Error = $"found '{lit}', expected: ',', or identifier";
                    return null;
            }
        }
    }

    private string[]? ParseExactValue()
    {
        if (Lookahead(values: true).Token is Token.EndOfString or Token.Comma)
        {
            return [""];
        }

        var (tok, lit) = Consume(values: true);
        if (tok == Token.Identifier)
        {
            return [lit];
        }

        Error = $"found '{lit}', expected: identifier";
        return null;
    }

    // In a values context the keywords "in" and "notin" are plain identifiers ("x in (in)").
    private (Token Token, string Literal) Lookahead(bool values) => AsContext(_items[_position], values);

    private (Token Token, string Literal) Consume(bool values) => AsContext(_items[_position++], values);

    private static (Token Token, string Literal) AsContext((Token Token, string Literal) item, bool values) =>
        values && item.Token is Token.In or Token.NotIn ? (Token.Identifier, item.Literal) : item;

    private static List<(Token, string)> Lex(string text)
    {
        var items = new List<(Token, string)>();
        var pos = 0;
        while (true)
        {
            while (pos < text.Length && IsWhitespace(text[pos]))
            {
                pos++;
            }

            // Go's lexer reads a NUL byte as the end of input.
            if (pos >= text.Length || text[pos] == '\0')
            {
                items.Add((Token.EndOfString, ""));
                return items;
            }

            items.Add(IsSpecialSymbol(text[pos]) ? ScanSpecialSymbol(text, ref pos) : ScanIdOrKeyword(text, ref pos));
        }
    }

    private static (Token, string) ScanIdOrKeyword(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && text[pos] != '\0' && !IsSpecialSymbol(text[pos]) && !IsWhitespace(text[pos]))
        {
            pos++;
        }

        var word = text[start..pos];
        return word switch
        {
            "in" => (Token.In, word),
            "notin" => (Token.NotIn, word),
            _ => (Token.Identifier, word),
        };
    }

    /// <summary>The longest run of symbols that still forms an operator: "!=" over "!", "==" over "=".</summary>
    private static (Token, string) ScanSpecialSymbol(string text, ref int pos)
    {
        var start = pos;
        (Token Token, string Literal)? last = null;
        while (pos < text.Length && IsSpecialSymbol(text[pos]))
        {
            var candidate = text[start..(pos + 1)];
            if (SymbolToken(candidate) is { } token)
            {
                last = (token, candidate);
                pos++;
            }
            else if (last is not null)
            {
                break;
            }
            else
            {
                pos++;
            }
        }

        return last ?? (Token.Error, $"error expected: keyword found '{text[start..pos]}'");
    }

    private static Token? SymbolToken(string symbol) => symbol switch
    {
        ")" => Token.ClosedPar,
        "," => Token.Comma,
        "!" => Token.DoesNotExist,
        "==" => Token.DoubleEquals,
        "=" => Token.EqualsSign,
        ">" => Token.GreaterThan,
        "<" => Token.LessThan,
        "!=" => Token.NotEquals,
        "(" => Token.OpenPar,
        _ => null,
    };

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecialSymbol(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';
}

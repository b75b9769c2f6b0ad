namespace Cluster.Core.Configuration.Hocon;

internal enum HoconTokenKind
{
    EndOfFile,
    Newline,
    Whitespace,
    Comma,
    Colon,
    EqualsSign,
    PlusEquals,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Unquoted,
    Quoted,
    Number,
    Boolean,
    Null,
    Substitution,
}

/// <summary>One piece of a key or of a substitution path: its text, and whether dots in it separate path elements.</summary>
internal readonly record struct HoconPathPiece(string Text, bool Quoted);

/// <summary>
/// A lexical token. <see cref="Text"/> is the original text for numbers (so "1e5" stays "1e5"),
/// the unescaped content for quoted strings, and the keyword for booleans and null.
/// </summary>
internal readonly struct HoconToken(HoconTokenKind kind, string text, HoconOrigin origin)
{
    public HoconTokenKind Kind { get; } = kind;

    public string Text { get; } = text;

    public HoconOrigin Origin { get; } = origin;

    public bool OptionalSubstitution { get; init; }

    public IReadOnlyList<HoconPathPiece> SubstitutionPath { get; init; } = [];

    public bool IsSimpleValue => Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Number
        or HoconTokenKind.Boolean or HoconTokenKind.Null;

    public string Describe() => Kind switch
    {
        HoconTokenKind.EndOfFile => "end of file",
        HoconTokenKind.Newline => "newline",
        HoconTokenKind.Substitution => "substitution ${...}",
        HoconTokenKind.Quoted => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}

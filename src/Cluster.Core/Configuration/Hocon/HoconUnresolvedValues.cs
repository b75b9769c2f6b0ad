namespace Cluster.Core.Configuration.Hocon;

/// <summary>Unquoted whitespace between the pieces of a concatenation: kept between strings, dropped between objects or arrays.</summary>
internal sealed class HoconWhitespace(string text, HoconOrigin origin) : HoconValue(origin)
{
    public string Text { get; } = text;

    public override HoconValueType? Type => null;
}

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>. <see cref="PrefixLength"/> counts the leading elements added
/// when the substitution came in through an include, so the lookup can fall back to the path
/// as written (relative to the root) when the include-relative one is not set.
/// </summary>
internal sealed class HoconSubstitution(string[] path, bool optional, int prefixLength, HoconOrigin origin) : HoconValue(origin)
{
    public string[] Path { get; } = path;

    public bool Optional { get; } = optional;

    public int PrefixLength { get; } = prefixLength;

    public override HoconValueType? Type => null;

    public string Describe() => "${" + (Optional ? "?" : string.Empty) + HoconPath.Render(Path[PrefixLength..]) + "}";
}

/// <summary>Several values on one line that become one string, array or object once resolved.</summary>
internal sealed class HoconConcatenation(List<HoconValue> pieces, HoconOrigin origin) : HoconValue(origin)
{
    public List<HoconValue> Pieces { get; } = pieces;

    public override HoconValueType? Type => null;
}

/// <summary>
/// Definitions of one key that could not be merged while parsing because some are unresolved,
/// oldest first. Resolution walks them newest first, merging objects until a non-object hides the rest.
/// </summary>
internal sealed class HoconDelayedMerge(List<HoconValue> stack, HoconOrigin origin) : HoconValue(origin)
{
    public List<HoconValue> Stack { get; } = stack;

    public override HoconValueType? Type => null;
}

/// <summary>
/// A self-reference (<c>a = ${a} x</c>) replaced by the value the field had before this definition,
/// optionally followed by a path into that value (<c>foo = ${foo.a}</c>).
/// </summary>
internal sealed class HoconLookback(HoconValue previous, string[] remainder, HoconSubstitution substitution) : HoconValue(substitution.Origin)
{
    public HoconValue Previous { get; } = previous;

    public string[] Remainder { get; } = remainder;

    public HoconSubstitution Substitution { get; } = substitution;

    public override HoconValueType? Type => null;
}

/// <summary>An optional self-reference with nothing before it: it resolves to "undefined".</summary>
internal sealed class HoconUndefined(HoconOrigin origin) : HoconValue(origin)
{
    public override HoconValueType? Type => null;
}

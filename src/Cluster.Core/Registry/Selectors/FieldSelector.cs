using System.Text;

namespace Cluster.Core.Registry.Selectors;

/// <summary>The operator of a field requirement: <c>=</c> and <c>==</c> are both Equals, as upstream.</summary>
public enum FieldOperator
{
    Equals,
    NotEquals,
}

/// <summary>One term of a field selector, with the value unescaped.</summary>
public sealed record FieldRequirement(string Field, FieldOperator Operator, string Value)
{
    /// <summary>The term as upstream prints it, with the value escaped again.</summary>
    public override string ToString() => Field + (Operator == FieldOperator.Equals ? "=" : "!=") + FieldSelector.EscapeValue(Value);
}

/// <summary>
/// A parsed field selector (apimachinery's <c>fields.Selector</c>): comma-joined
/// <c>field=value</c>, <c>field==value</c> and <c>field!=value</c> terms, where a value escapes
/// <c>\</c>, <c>,</c> and <c>=</c> with a backslash. Which fields exist is the kind's business.
/// </summary>
public sealed class FieldSelector
{
    private readonly FieldRequirement[] _requirements;

    private FieldSelector(FieldRequirement[] requirements) => _requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The terms, in upstream's order (the raw terms sorted).</summary>
    public IReadOnlyList<FieldRequirement> Requirements => _requirements;

    public bool IsEverything => _requirements.Length == 0;

    /// <summary>Parses the <c>fieldSelector</c> query parameter; null or empty selects everything. Throws a 400 BadRequest worded as upstream's.</summary>
    public static FieldSelector Parse(string? text) =>
        TryParse(text, out var selector, out var error) ? selector : throw ApiException.BadRequest(error!);

    /// <summary>
    /// The selector with its field labels converted from another version's names (upstream's field label conversion
    /// functions); a label <paramref name="convert"/> has no name for is a 400 "field label not supported".
    /// </summary>
    public FieldSelector WithFieldsConverted(Func<string, string?> convert)
    {
        var converted = _requirements
            .Select(r => r with { Field = convert(r.Field) ?? throw ApiException.BadRequest("field label not supported: " + r.Field) })
            .OrderBy(r => r.ToString(), StringComparer.Ordinal)
            .ToArray();
        return converted.Length == 0 ? Everything : new FieldSelector(converted);
    }

    public static bool TryParse(string? text, out FieldSelector selector, out string? error)
    {
        selector = Everything;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var terms = SplitTerms(text);
        terms.Sort(StringComparer.Ordinal);
        var requirements = new List<FieldRequirement>();
        foreach (var term in terms)
        {
            if (term.Length == 0)
            {
                continue;
            }

            if (!SplitTerm(term, out var field, out var op, out var rawValue))
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return false;
            }

            if (!TryUnescapeValue(rawValue, out var value, out error))
            {
                return false;
            }

            // Upstream drops a term with neither field nor value ("=").
            if (field.Length > 0 || value.Length > 0)
            {
                requirements.Add(new FieldRequirement(field, op, value));
            }
        }

        selector = requirements.Count == 0 ? Everything : new FieldSelector(requirements.ToArray());
        return true;
    }

    /// <summary>
    /// Whether an object matches. <paramref name="fieldValue"/> gives a field's value ("" when
    /// supported but absent) or null when the kind cannot select on it, which is a 400 BadRequest
    /// (<c>field label not supported: spec.foo</c>).
    /// </summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        foreach (var requirement in _requirements)
        {
            var actual = fieldValue(requirement.Field)
                ?? throw ApiException.BadRequest("field label not supported: " + requirement.Field);
            if ((actual == requirement.Value) != (requirement.Operator == FieldOperator.Equals))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks every field up front, as the API server does before it lists anything (so an
    /// unknown field fails even when there is nothing to match), with upstream's message for the kind.
    /// </summary>
    public void EnsureSupported(ResourceKind kind, Func<string, bool> isSupported)
    {
        foreach (var requirement in _requirements)
        {
            if (!isSupported(requirement.Field))
            {
                throw UnsupportedField(kind, requirement.Field);
            }
        }
    }

    /// <summary>
    /// Upstream's 400 for a field a kind cannot select on: kinds with their own field-label
    /// conversion say <c>field label not supported: f</c>, every other kind
    /// <c>"f" is not a known field selector: only "metadata.name", "metadata.namespace"</c>.
    /// </summary>
    public static ApiException UnsupportedField(ResourceKind kind, string field) =>
        ApiException.BadRequest((kind.Group, kind.Kind) switch
        {
            ("", "Pod" or "Node" or "Event" or "Namespace" or "Secret" or "Service" or "ReplicationController") or ("apps", "ReplicaSet") =>
                "field label not supported: " + field,
            ("batch", "Job") => $"field label \"{field}\" not supported for batchv1.Job",
            _ => $"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
        });

    /// <summary>Whether the selector pins <paramref name="field"/> to one value (<c>metadata.name=web</c>): the first Equals term on it.</summary>
    public bool TryGetExactMatch(string field, out string value)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Field == field && requirement.Operator == FieldOperator.Equals)
            {
                value = requirement.Value;
                return true;
            }
        }

        value = "";
        return false;
    }

    public override string ToString() => string.Join(",", _requirements.Select(r => r.ToString()));

    /// <summary>Escapes <c>\</c>, <c>,</c> and <c>=</c> so any literal can be a field selector value.</summary>
    public static string EscapeValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);

    public static bool TryUnescapeValue(string raw, out string value, out string? error)
    {
        value = raw;
        error = null;
        if (raw.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return true;
        }

        var sb = new StringBuilder(raw.Length);
        var inSlash = false;
        foreach (var rune in raw.EnumerateRunes())
        {
            var c = rune.Value;
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '='))
                {
                    error = "invalid field selector: invalid escape sequence: \\" + rune;
                    return false;
                }

                sb.Append(rune);
                inSlash = false;
            }
            else if (c == '\\')
            {
                inSlash = true;
            }
            else if (c is ',' or '=')
            {
                // Upstream prints the rune with %v, i.e. as its number ("61" for '=').
                error = $"invalid field selector: unescaped character in value: {c}";
                return false;
            }
            else
            {
                sb.Append(rune);
            }
        }

        if (inSlash)
        {
            error = "invalid field selector: invalid escape sequence: \\";
            return false;
        }

        value = sb.ToString();
        return true;
    }

    /// <summary>Splits on commas not escaped by a backslash; escapes stay in the terms.</summary>
    private static List<string> SplitTerms(string text)
    {
        var terms = new List<string>();
        var start = 0;
        var inSlash = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inSlash)
            {
                inSlash = false;
            }
            else if (c == '\\')
            {
                inSlash = true;
            }
            else if (c == ',')
            {
                terms.Add(text[start..i]);
                start = i + 1;
            }
        }

        terms.Add(text[start..]);
        return terms;
    }

    /// <summary>Splits at the first operator; the field cannot escape anything, so the first match wins ("!=" before "==" before "=").</summary>
    private static bool SplitTerm(string term, out string field, out FieldOperator op, out string value)
    {
        for (var i = 0; i < term.Length; i++)
        {
            var rest = term.AsSpan(i);
            var (length, found) = rest.StartsWith("!=") ? (2, FieldOperator.NotEquals)
                : rest.StartsWith("==") ? (2, FieldOperator.Equals)
                : rest.StartsWith("=") ? (1, FieldOperator.Equals)
                : (0, FieldOperator.Equals);
            if (length > 0)
            {
                field = term[..i];
                op = found;
                value = term[(i + length)..];
                return true;
            }
        }

        field = value = "";
        op = FieldOperator.Equals;
        return false;
    }
}

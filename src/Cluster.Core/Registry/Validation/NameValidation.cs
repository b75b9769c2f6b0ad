using System.Text;
using System.Text.RegularExpressions;

namespace Cluster.Core.Registry.Validation;

/// <summary>
/// Checks a name or key returns what is wrong with it (empty when valid), with Kubernetes'
/// wording, so a client's error reads exactly as a real API server's would.
/// </summary>
/// <param name="value">The name or key to check.</param>
/// <param name="prefix">True for a generateName prefix, which may end in a dash.</param>
public delegate IReadOnlyList<string> ValidateNameFunc(string value, bool prefix);

/// <summary>
/// Kubernetes' format checks for names, label keys and label values
/// (apimachinery's <c>pkg/util/validation</c>), each returning every message that applies.
/// </summary>
public static partial class NameValidation
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int Dns1035LabelMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int QualifiedNameMaxLength = 63;

    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string Dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035LabelErrMsg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";
    private const string LabelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string ConfigMapKeyFmt = "[-._a-zA-Z0-9]+";
    private const string ConfigMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

    public static IReadOnlyList<string> IsDns1123Label(string value)
    {
        var errors = new List<string>();
        if (ByteLength(value) > Dns1123LabelMaxLength)
        {
            errors.Add(MaxLenError(Dns1123LabelMaxLength));
        }

        if (!Dns1123LabelRegex().IsMatch(value))
        {
            // Upstream tells a valid subdomain apart: with the length already checked, only dots can be wrong.
            errors.Add(Dns1123SubdomainRegex().IsMatch(value)
                ? "must not contain dots"
                : RegexError(Dns1123LabelErrMsg, Dns1123LabelFmt, "my-name", "123-abc"));
        }

        return errors;
    }

    public static IReadOnlyList<string> IsDns1123Subdomain(string value)
    {
        var errors = new List<string>();
        if (ByteLength(value) > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }

        if (!Dns1123SubdomainRegex().IsMatch(value))
        {
            errors.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errors;
    }

    public static IReadOnlyList<string> IsDns1035Label(string value)
    {
        var errors = new List<string>();
        if (ByteLength(value) > Dns1035LabelMaxLength)
        {
            errors.Add(MaxLenError(Dns1035LabelMaxLength));
        }

        if (!Dns1035LabelRegex().IsMatch(value))
        {
            errors.Add(RegexError(Dns1035LabelErrMsg, Dns1035LabelFmt, "my-name", "abc-123"));
        }

        return errors;
    }

    /// <summary>A label or annotation key, finalizer name or condition type: an optional DNS subdomain prefix and '/', then a name.</summary>
    public static IReadOnlyList<string> IsQualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errors.Add("prefix part " + EmptyError());
                }
                else
                {
                    errors.AddRange(IsDns1123Subdomain(prefix).Select(m => "prefix part " + m));
                }

                break;
            default:
                errors.Add("a qualified name " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
        }

        if (name.Length == 0)
        {
            errors.Add("name part " + EmptyError());
        }
        else if (ByteLength(name) > QualifiedNameMaxLength)
        {
            errors.Add("name part " + MaxLenError(QualifiedNameMaxLength));
        }

        if (!QualifiedNameRegex().IsMatch(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        }

        return errors;
    }

    public static IReadOnlyList<string> IsValidLabelValue(string value)
    {
        var errors = new List<string>();
        if (ByteLength(value) > LabelValueMaxLength)
        {
            errors.Add(MaxLenError(LabelValueMaxLength));
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errors.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errors;
    }

    /// <summary>A key of a ConfigMap's or Secret's data.</summary>
    public static IReadOnlyList<string> IsConfigMapKey(string value)
    {
        var errors = new List<string>();
        if (ByteLength(value) > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }

        if (!ConfigMapKeyRegex().IsMatch(value))
        {
            errors.Add(RegexError(ConfigMapKeyErrMsg, ConfigMapKeyFmt, "key.name", "KEY_NAME", "key-name"));
        }

        if (value == ".")
        {
            errors.Add("must not be '.'");
        }
        else if (value == "..")
        {
            errors.Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            errors.Add("must not start with '..'");
        }

        return errors;
    }

    /// <summary>A name that must fit in one URL path segment (the store's check for every kind).</summary>
    public static IReadOnlyList<string> IsValidPathSegmentName(string value, bool prefix)
    {
        if (!prefix && value is "." or "..")
        {
            return [$"may not be '{value}'"];
        }

        var errors = new List<string>();
        foreach (var illegal in (ReadOnlySpan<string>)["/", "%"])
        {
            if (value.Contains(illegal, StringComparison.Ordinal))
            {
                errors.Add($"may not contain '{illegal}'");
            }
        }

        return errors;
    }

    public static IReadOnlyList<string> NameIsDnsSubdomain(string name, bool prefix) => IsDns1123Subdomain(prefix ? MaskTrailingDash(name) : name);

    public static IReadOnlyList<string> NameIsDnsLabel(string name, bool prefix) => IsDns1123Label(prefix ? MaskTrailingDash(name) : name);

    public static IReadOnlyList<string> NameIsDns1035Label(string name, bool prefix) => IsDns1035Label(prefix ? MaskTrailingDash(name) : name);

    public static string MaxLenError(int length) => $"must be no more than {length} characters";

    public static string EmptyError() => "must be non-empty";

    /// <summary>Upstream's wording, including its doubled space before each " or ".</summary>
    public static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + format + "')";
        }

        var sb = new StringBuilder(message).Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }

            sb.Append('\'').Append(examples[i]).Append("', ");
        }

        return sb.Append("regex used for validation is '").Append(format).Append("')").ToString();
    }

    /// <summary>Go measures strings in UTF-8 bytes, so limits count bytes, not chars.</summary>
    internal static int ByteLength(string value) => Encoding.UTF8.GetByteCount(value);

    /// <summary>
    /// A generateName prefix may end in a dash (random characters follow); upstream swaps the
    /// last two characters for "a" before checking, and so does this.
    /// </summary>
    private static string MaskTrailingDash(string name) =>
        name.Length > 1 && name.EndsWith('-') ? name[..^2] + "a" : name;

    // \z, not $: .NET's $ also matches before a final newline, Go's does not.
    [GeneratedRegex("^" + Dns1123LabelFmt + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^" + Dns1123SubdomainFmt + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^" + Dns1035LabelFmt + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^" + QualifiedNameFmt + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFmt + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex("^" + ConfigMapKeyFmt + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigMapKeyRegex();
}

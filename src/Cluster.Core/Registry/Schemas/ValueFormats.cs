using System.Globalization;
using System.Text.RegularExpressions;

namespace Cluster.Core.Registry.Schemas;

/// <summary>
/// The string formats upstream's decoders enforce (resource.Quantity, metav1.Time, []byte), each
/// returning upstream's error text or null when the value is fine.
/// </summary>
internal static partial class ValueFormats
{
    public const string QuantityFormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public const string QuantitySuffixWrong = "unable to parse quantity's suffix";
    private const string Rfc3339 = "2006-01-02T15:04:05Z07:00";

    private static readonly HashSet<string> QuantitySuffixes =
        ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"];

    /// <summary>resource.ParseQuantity's verdict on <paramref name="text"/> (Quantity.UnmarshalJSON trims it first).</summary>
    public static string? QuantityError(string text)
    {
        var s = text.Trim();
        if (s == "0")
        {
            return null;
        }

        var match = QuantityPattern().Match(s);
        if (!match.Success)
        {
            return QuantityFormatWrong;
        }

        var number = match.Groups[1].Value;
        if (number.Count(c => c == '.') > 1 || !number.Any(char.IsAsciiDigit))
        {
            return QuantityFormatWrong;
        }

        var suffix = match.Groups[2].Value;
        return QuantitySuffixes.Contains(suffix) || ExponentSuffix().IsMatch(suffix) ? null : QuantitySuffixWrong;
    }

    /// <summary>
    /// Go's <c>time.Parse(time.RFC3339, s)</c> verdict, in Go's wording:
    /// <c>parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"</c>.
    /// </summary>
    public static string? TimeError(string s)
    {
        var pos = 0;
        (string Layout, int Digits, int Max, string Range)[] elements =
        [
            ("2006", 4, 9999, ""), ("-", 0, 0, ""), ("01", 2, 12, "month"), ("-", 0, 0, ""), ("02", 2, 31, "day"),
            ("T", 0, 0, ""), ("15", 2, 23, "hour"), (":", 0, 0, ""), ("04", 2, 59, "minute"), (":", 0, 0, ""), ("05", 2, 59, "second"),
        ];
        foreach (var (layout, digits, max, range) in elements)
        {
            if (digits == 0)
            {
                if (pos >= s.Length || s[pos] != layout[0])
                {
                    return CannotParse(s, pos, layout);
                }

                pos++;
                continue;
            }

            if (pos + digits > s.Length || s.AsSpan(pos, digits).ContainsAnyExceptInRange('0', '9'))
            {
                return CannotParse(s, pos, layout);
            }

            var value = int.Parse(s.AsSpan(pos, digits), CultureInfo.InvariantCulture);
            if (range.Length > 0 && (value > max || (value == 0 && range is "month" or "day")))
            {
                return $"parsing time {SchemaReport.GoQuote(s)}: {range} out of range";
            }

            pos += digits;
        }

        if (pos + 1 < s.Length && s[pos] is '.' or ',' && char.IsAsciiDigit(s[pos + 1]))
        {
            pos++;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
        }

        var zoneLength = pos < s.Length && s[pos] == 'Z' ? 1 : ZoneOffset().IsMatch(s.AsSpan(pos)) ? 6 : 0;
        if (zoneLength == 0)
        {
            return CannotParse(s, pos, "Z07:00");
        }

        pos += zoneLength;
        if (pos < s.Length)
        {
            return $"parsing time {SchemaReport.GoQuote(s)}: extra text: {SchemaReport.GoQuote(s[pos..])}";
        }

        return DateTime.TryParseExact(s.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? null
            : $"parsing time {SchemaReport.GoQuote(s)}: day out of range";
    }

    /// <summary>encoding/base64.StdEncoding's verdict: <c>illegal base64 data at input byte 4</c>.</summary>
    public static string? Base64Error(string s) => Base64ErrorOffset(s) is { } offset ? "illegal base64 data at input byte " + offset.ToString(CultureInfo.InvariantCulture) : null;

    private static int? Base64ErrorOffset(string s)
    {
        var inQuantum = 0;
        var quantumStart = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\r' or '\n')
            {
                continue;
            }

            if (inQuantum == 0)
            {
                quantumStart = i;
            }

            if (c == '=')
            {
                if (inQuantum < 2)
                {
                    return i;
                }

                if (inQuantum == 2)
                {
                    i = NextSignificant(s, i + 1);
                    if (i >= s.Length || s[i] != '=')
                    {
                        return i;
                    }
                }

                var rest = NextSignificant(s, i + 1);
                return rest < s.Length ? rest : null;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return i;
            }

            inQuantum = (inQuantum + 1) % 4;
        }

        return inQuantum == 0 ? null : quantumStart;
    }

    private static int NextSignificant(string s, int from)
    {
        while (from < s.Length && s[from] is '\r' or '\n')
        {
            from++;
        }

        return from;
    }

    private static string CannotParse(string s, int pos, string layoutElement) =>
        $"parsing time {SchemaReport.GoQuote(s)} as {SchemaReport.GoQuote(Rfc3339)}: cannot parse {SchemaReport.GoQuote(s[Math.Min(pos, s.Length)..])} as {SchemaReport.GoQuote(layoutElement)}";

    [GeneratedRegex(@"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^[eE][-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ExponentSuffix();

    [GeneratedRegex(@"^[+-][0-9]{2}:[0-9]{2}", RegexOptions.CultureInvariant)]
    private static partial Regex ZoneOffset();
}

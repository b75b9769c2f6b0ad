namespace Cluster.Core.Registry.Validation;

/// <summary>
/// The <c>resourceVersion</c> query parameter as upstream's APIObjectVersioner.ParseResourceVersion
/// reads it: "" (unset: the latest state) and "0" (any state) both give 0, otherwise decimal digits.
/// Callers that must tell "" from "0" (list semantics) check the string themselves.
/// </summary>
public static class ResourceVersionParser
{
    /// <summary>True with the version, or false when <paramref name="resourceVersion"/> is not a version.</summary>
    public static bool TryParse(string? resourceVersion, out long value) => Check(resourceVersion, out value) is null;

    /// <summary>
    /// The version, or a 400 BadRequest with upstream's text:
    /// <c>resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax</c>.
    /// </summary>
    public static long Parse(string? resourceVersion)
    {
        var problem = Check(resourceVersion, out var value);
        if (problem is null)
        {
            return value;
        }

        var detail = $"strconv.ParseUint: parsing {FieldErrors.GoQuote(resourceVersion!)}: {problem}";
        throw ApiException.BadRequest(FieldErrors.Format(FieldErrors.Invalid("resourceVersion", resourceVersion!, detail)));
    }

    /// <summary>Go's ParseUint(s, 10, 64) within a long: null when fine, else its reason.</summary>
    private static string? Check(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return null;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return "invalid syntax";
            }
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value)
            ? null
            : "value out of range";
    }
}

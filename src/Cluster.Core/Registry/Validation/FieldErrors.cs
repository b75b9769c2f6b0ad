using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Validation;

/// <summary>
/// Builds <see cref="StatusCause"/>s worded like apimachinery's <c>field.Error</c>: strings are
/// quoted as Go's %q does, other values are shown as JSON (<c>null</c>, <c>5</c>, <c>{"a":"b"}</c>).
/// </summary>
public static class FieldErrors
{
    public static StatusCause Required(string field, string detail = "") =>
        new("FieldValueRequired", WithDetail("Required value", detail), field);

    public static StatusCause Invalid(string field, string value, string detail) =>
        new("FieldValueInvalid", WithDetail("Invalid value: " + GoQuote(value), detail), field);

    public static StatusCause Invalid(string field, JsonNode? value, string detail) =>
        new("FieldValueInvalid", WithDetail("Invalid value: " + Render(value), detail), field);

    public static StatusCause Invalid(string field, long value, string detail) =>
        new("FieldValueInvalid", WithDetail("Invalid value: " + value.ToString(CultureInfo.InvariantCulture), detail), field);

    /// <summary>A value of the wrong JSON type, e.g. labels that are not a map of strings.</summary>
    public static StatusCause TypeInvalid(string field, JsonNode? value, string detail) =>
        new("FieldValueTypeInvalid", WithDetail("Invalid value: " + Render(value), detail), field);

    public static StatusCause Forbidden(string field, string detail) =>
        new("FieldValueForbidden", WithDetail("Forbidden", detail), field);

    public static StatusCause TooLong(string field, int maxBytes) =>
        new("FieldValueTooLong", $"Too long: may not be more than {maxBytes} {(maxBytes == 1 ? "byte" : "bytes")}", field);

    /// <summary>The text of one field error as Go prints it: <c>field: body</c>.</summary>
    public static string Format(StatusCause cause) => cause.Field is null ? cause.Message : cause.Field + ": " + cause.Message;

    /// <summary>Several errors as Go's aggregate prints them: one alone, several in brackets, duplicates once.</summary>
    public static string Aggregate(IEnumerable<string> messages)
    {
        var distinct = messages.Distinct(StringComparer.Ordinal).ToArray();
        return distinct.Length == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    /// <summary>A JSON value as upstream shows a bad value: strings quoted, anything else as compact JSON.</summary>
    public static string Render(JsonNode? value) =>
        value switch
        {
            null => "null",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => GoQuote(v.GetValue<string>()),
            _ => value.ToJsonString(),
        };

    /// <summary>Go's <c>%q</c> for the characters names and labels can hold.</summary>
    public static string GoQuote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Go's <c>%#v</c> of a string slice: <c>[]string{"a", "b"}</c>.</summary>
    public static string GoStringSlice(IEnumerable<string> values) => "[]string{" + string.Join(", ", values.Select(GoQuote)) + "}";

    private static string WithDetail(string body, string detail) => detail.Length == 0 ? body : body + ": " + detail;
}

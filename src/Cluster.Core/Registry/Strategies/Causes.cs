using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Collects validation causes with the messages of Kubernetes' field.Error (apimachinery
/// pkg/util/validation/field), so clients print what they would print against a real API server.
/// </summary>
public sealed class Causes
{
    public const string Immutable = "field is immutable";

    private readonly List<StatusCause> _items = [];

    public IReadOnlyList<StatusCause> Items => _items;

    public int Count => _items.Count;

    public void Add(StatusCause cause) => _items.Add(cause);

    public void AddRange(IEnumerable<StatusCause> causes) => _items.AddRange(causes);

    public void Required(string path, string detail = "") =>
        _items.Add(StatusCause.Required(path, detail.Length == 0 ? "Required value" : "Required value: " + detail));

    /// <summary>Invalid with a JSON value rendered as Go would print it (strings quoted, numbers bare).</summary>
    public void Invalid(string path, JsonNode? value, string detail) =>
        _items.Add(new StatusCause("FieldValueInvalid", "Invalid value: " + JsonFields.Render(value) + ": " + detail, path));

    public void Invalid(string path, string value, string detail) => _items.Add(StatusCause.Invalid(path, value, detail));

    public void Invalid(string path, long value, string detail) =>
        _items.Add(new StatusCause("FieldValueInvalid", "Invalid value: " + value.ToString(CultureInfo.InvariantCulture) + ": " + detail, path));

    /// <summary>One Invalid cause per message a rule returned for <paramref name="value"/>.</summary>
    public void InvalidEach(string path, string value, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Invalid(path, value, message);
        }
    }

    public void NotSupported(string path, string value, params string[] supported) =>
        _items.Add(StatusCause.NotSupported(path, value, supported));

    public void Forbidden(string path, string detail) => _items.Add(StatusCause.Forbidden(path, detail));

    public void Duplicate(string path, string value) => _items.Add(StatusCause.Duplicate(path, value));

    public void NotFound(string path, string value) => _items.Add(new StatusCause("FieldValueNotFound", "Not found: " + JsonFields.Quote(value), path));

    public void TooLong(string path, int max) =>
        _items.Add(new StatusCause("FieldValueTooLong", "Too long: may not be more than " + max.ToString(CultureInfo.InvariantCulture) + " bytes", path));

    /// <summary>
    /// The <c>name</c> of a list item: Required when <paramref name="required"/> and empty, else checked
    /// by <paramref name="rule"/> and, when <paramref name="unique"/> is given, Duplicate on a repeat.
    /// </summary>
    public void Name(JsonObject item, string path, Func<string, IReadOnlyList<string>> rule, ISet<string>? unique, bool required)
    {
        var name = JsonFields.Str(item, "name") ?? "";
        if (name.Length == 0)
        {
            if (required)
            {
                Required(path);
            }

            return;
        }

        InvalidEach(path, name, rule(name));
        if (unique is not null && !unique.Add(name))
        {
            Duplicate(path, name);
        }
    }

    /// <summary>ValidateImmutableField: a cause when the value changed (absent and null read alike).</summary>
    public void ImmutableField(string path, JsonNode? updated, JsonNode? old)
    {
        if (!JsonFields.SameIgnoringNulls(updated, old))
        {
            Invalid(path, updated, Immutable);
        }
    }

    /// <summary>ValidateNonnegativeField for an optional integer field.</summary>
    public void NonNegative(JsonNode? parent, string key, string path)
    {
        if (JsonFields.Int(parent, key) is < 0 and var value)
        {
            Invalid(path, value, "must be greater than or equal to 0");
        }
    }

    /// <summary>An optional integer field must be a number when present.</summary>
    public void MustBeInteger(JsonNode? parent, string key, string path)
    {
        if (parent is JsonObject o && o[key] is { } node && JsonFields.AsLong(node) is null)
        {
            Invalid(path, node, "must be an integer");
        }
    }

    /// <summary>A required string field among a fixed set (empty is Required, anything else NotSupported).</summary>
    public void OneOf(JsonNode? parent, string key, string path, params string[] supported)
    {
        var value = JsonFields.Str(parent, key);
        if (string.IsNullOrEmpty(value))
        {
            Required(path);
        }
        else if (!supported.Contains(value, StringComparer.Ordinal))
        {
            NotSupported(path, value, supported);
        }
    }

    /// <summary>An optional string field among a fixed set.</summary>
    public void OptionalOneOf(JsonNode? parent, string key, string path, params string[] supported)
    {
        if (JsonFields.Str(parent, key) is { Length: > 0 } value && !supported.Contains(value, StringComparer.Ordinal))
        {
            NotSupported(path, value, supported);
        }
    }
}

namespace Cluster.Core.Registry.Schemas;

/// <summary>
/// A value whose JSON type does not fit the field (a string where an int32 belongs): always a
/// 400, whatever the field validation directive.
/// </summary>
/// <param name="Path">Where, in upstream's strict path form: <c>spec.template.spec.containers[0].ports[0].containerPort</c>.</param>
/// <param name="Expected">The field's type: string, boolean, int32, int64, number, int-or-string, quantity, date-time, byte, object, map, array.</param>
/// <param name="Actual">What the JSON holds: string, number, bool, array or object.</param>
/// <param name="Message">
/// Upstream's decoding error, e.g. <c>json: cannot unmarshal string into Go struct field
/// DeploymentSpec.spec.replicas of type int32</c>, or a format error of a quantity, time or base64 value.
/// </param>
public sealed record SchemaTypeError(string Path, string Expected, string Actual, string Message);

/// <summary>What <see cref="SchemaValidator"/> found in one object: unknown fields, duplicate fields and type errors.</summary>
public sealed record SchemaReport(IReadOnlyList<string> UnknownFields, IReadOnlyList<SchemaTypeError> TypeErrors)
{
    public static SchemaReport Clean { get; } = new([], []);

    /// <summary>Paths of keys given twice in one JSON object (see <see cref="JsonDuplicateKeys"/>); the caller adds them.</summary>
    public IReadOnlyList<string> DuplicateFields { get; init; } = [];

    public bool IsClean => UnknownFields.Count == 0 && TypeErrors.Count == 0 && DuplicateFields.Count == 0;

    /// <summary>
    /// The strict decoding problems in upstream's wording, duplicates first:
    /// <c>duplicate field "spec.replicas"</c>, <c>unknown field "spec.foo"</c>. Under Warn each
    /// becomes one Warning header; under Strict they form one error.
    /// </summary>
    public IReadOnlyList<string> StrictProblems() =>
    [
        .. DuplicateFields.Select(p => "duplicate field " + GoQuote(p)),
        .. UnknownFields.Select(p => "unknown field " + GoQuote(p)),
    ];

    public SchemaReport WithDuplicates(IReadOnlyList<string> duplicateFields) => this with { DuplicateFields = duplicateFields };

    /// <summary>Go's %q: the string in double quotes with quotes, backslashes and control characters escaped.</summary>
    internal static string GoQuote(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                < ' ' => builder.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}

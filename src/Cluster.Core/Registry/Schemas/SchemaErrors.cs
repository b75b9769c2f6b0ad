namespace Cluster.Core.Registry.Schemas;

/// <summary>The <c>fieldValidation</c> query parameter: what to do about unknown and duplicate fields.</summary>
public enum FieldValidation
{
    /// <summary>Drop them silently.</summary>
    Ignore,

    /// <summary>Accept, and warn once per problem (upstream's default when the parameter is absent).</summary>
    Warn,

    /// <summary>Refuse the request with 400 BadRequest.</summary>
    Strict,
}

/// <summary>
/// Turns a <see cref="SchemaReport"/> into what upstream answers (apiserver handlers create.go,
/// update.go, patch.go): the Status error of a create/update body or of a patch, or the warnings.
/// </summary>
public static class SchemaErrors
{
    private static readonly string[] SupportedDirectives = ["", "Ignore", "Strict", "Warn"];

    /// <summary>Parses <c>?fieldValidation=</c>; absent or empty means Warn, as upstream.</summary>
    public static bool TryParseFieldValidation(string? value, out FieldValidation validation)
    {
        (var known, validation) = value switch
        {
            null or "" or "Warn" => (true, FieldValidation.Warn),
            "Strict" => (true, FieldValidation.Strict),
            "Ignore" => (true, FieldValidation.Ignore),
            _ => (false, FieldValidation.Warn),
        };
        return known;
    }

    /// <summary>
    /// 422 for an unsupported directive, named by the options kind of the verb ("CreateOptions",
    /// "UpdateOptions", "PatchOptions"): <c>CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "x": supported values: "", "Ignore", "Strict", "Warn"</c>.
    /// </summary>
    public static ApiException UnsupportedFieldValidation(string optionsKind, string value)
    {
        var cause = StatusCause.NotSupported("fieldValidation", value, SupportedDirectives);
        return new ApiException(422, "Invalid", $"{optionsKind}.meta.k8s.io \"\" is invalid: fieldValidation: {cause.Message}",
            new StatusDetails("", "meta.k8s.io", optionsKind, Causes: [cause]));
    }

    /// <summary>
    /// The error for a create or update body, or null when it may proceed: type errors always
    /// (the first, as Go's decoder stops there), strict problems under Strict:
    /// <c>Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"</c>.
    /// </summary>
    public static ApiException? ForBody(ResourceKind kind, SchemaReport report, FieldValidation validation) =>
        Detail(report, validation) is { } detail ? CannotBeHandled(kind, detail) : null;

    /// <summary>
    /// The error for a patch whose result has problems, or null: upstream reports them as 422
    /// Invalid on the field "patch", quoting the patched object.
    /// </summary>
    public static ApiException? ForPatch(SchemaReport report, FieldValidation validation, string patchedObject) =>
        Detail(report, validation) is { } detail ? InvalidPatch(patchedObject, detail) : null;

    /// <summary>The Warning header texts under Warn (one per problem); empty otherwise.</summary>
    public static IReadOnlyList<string> Warnings(SchemaReport report, FieldValidation validation) =>
        validation == FieldValidation.Warn && report.TypeErrors.Count == 0 ? report.StrictProblems() : [];

    /// <summary><c>strict decoding error: unknown field "a", duplicate field "b"</c>.</summary>
    public static string StrictDecodingError(IEnumerable<string> problems) => "strict decoding error: " + string.Join(", ", problems);

    /// <summary>400 for a body that cannot be decoded: <c>{Kind} in version "{version}" cannot be handled as a {Kind}: {detail}</c>.</summary>
    public static ApiException CannotBeHandled(ResourceKind kind, string detail) =>
        ApiException.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {detail}");

    /// <summary>422 for a patch whose result cannot be decoded: <c> "" is invalid: patch: Invalid value: "{patched}": {detail}</c>.</summary>
    public static ApiException InvalidPatch(string patchedObject, string detail)
    {
        var cause = new StatusCause("FieldValueInvalid", $"Invalid value: {SchemaReport.GoQuote(patchedObject)}: {detail}", "patch");
        return new ApiException(422, "Invalid", $" \"\" is invalid: patch: {cause.Message}", new StatusDetails("", "", "", Causes: [cause]));
    }

    private static string? Detail(SchemaReport report, FieldValidation validation)
    {
        if (report.TypeErrors.Count > 0)
        {
            return report.TypeErrors[0].Message;
        }

        return validation == FieldValidation.Strict && (report.UnknownFields.Count > 0 || report.DuplicateFields.Count > 0)
            ? StrictDecodingError(report.StrictProblems())
            : null;
    }
}

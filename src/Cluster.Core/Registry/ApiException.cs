namespace Cluster.Core.Registry;

/// <summary>One reason a request failed (Kubernetes' StatusCause): for Invalid, a field and what is wrong with it.</summary>
/// <param name="Reason">Machine-readable: FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate, FieldValueForbidden, FieldValueTooLong, FieldManagerConflict ...</param>
/// <param name="Message">Human-readable, e.g. "Required value".</param>
/// <param name="Field">The JSON path of the field, e.g. "spec.containers[0].image"; null when not about one field.</param>
public sealed record StatusCause(string Reason, string Message, string? Field = null)
{
    public static StatusCause Required(string field, string message = "Required value") => new("FieldValueRequired", message, field);

    public static StatusCause Invalid(string field, string? value, string detail) =>
        new("FieldValueInvalid", value is null ? "Invalid value: " + detail : $"Invalid value: \"{value}\": {detail}", field);

    public static StatusCause NotSupported(string field, string value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => "\"" + s + "\""))}", field);

    public static StatusCause Forbidden(string field, string detail) => new("FieldValueForbidden", "Forbidden: " + detail, field);

    public static StatusCause Duplicate(string field, string value) => new("FieldValueDuplicate", $"Duplicate value: \"{value}\"", field);
}

/// <summary>
/// A request the registry or API refuses, carrying everything of a Kubernetes <c>Status</c>
/// (code, reason, message, details): the API renders it as is, so every failure reaches the
/// client as a clear Status and never as a crash.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException()
        : this(500, "InternalError", "An internal error occurred.")
    {
    }

    public ApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiException(string message, Exception? inner)
        : base(message, inner)
    {
        Code = 500;
        Reason = "InternalError";
    }

    public ApiException(int code, string reason, string message, StatusDetails? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; }

    /// <summary>The Status reason: NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Expired, ...</summary>
    public string Reason { get; }

    public StatusDetails? Details { get; }

    /// <summary>Seconds the client should wait before retrying (429/503), or null.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiException NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{kind.QualifiedResource} \"{name}\" not found", new StatusDetails(name, kind.Group, kind.Plural));

    public static ApiException NamespaceNotFound(string name) =>
        new(404, "NotFound", $"namespaces \"{name}\" not found", new StatusDetails(name, "", "namespaces"));

    public static ApiException AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{kind.QualifiedResource} \"{name}\" already exists", new StatusDetails(name, kind.Group, kind.Plural));

    public static ApiException Conflict(ResourceKind kind, string name, string detail) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {kind.QualifiedResource} \"{name}\": {detail}", new StatusDetails(name, kind.Group, kind.Plural));

    /// <summary>The optimistic-concurrency conflict kubectl retries on.</summary>
    public static ApiException StaleResourceVersion(ResourceKind kind, string name) =>
        Conflict(kind, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>
    /// 422 Invalid, naming every bad field and the kind qualified by its group as upstream's NewInvalid does:
    /// <c>Pod "web" is invalid: ...</c>, <c>Deployment.apps "web" is invalid: ...</c>.
    /// </summary>
    /// <summary>
    /// This failure as a request for <paramref name="served"/> tells it when the registry raised it for the stored kind
    /// (events.k8s.io/v1 Events are core Events): the resource and kind named as the request named them.
    /// </summary>
    public ApiException SeenAs(ResourceKind served)
    {
        var stored = served.Storage;
        if (stored.Group == served.Group)
        {
            return this;
        }

        var message = Message
            .Replace(stored.QualifiedResource + " \"", served.QualifiedResource + " \"", StringComparison.Ordinal)
            .Replace(QualifiedKind(stored) + " \"", QualifiedKind(served) + " \"", StringComparison.Ordinal);
        var details = Details is { } d && d.Group == stored.Group ? d with { Group = served.Group } : Details;
        return new ApiException(Code, Reason, message, details) { RetryAfterSeconds = RetryAfterSeconds };
    }

    public static ApiException Invalid(ResourceKind kind, string name, IReadOnlyList<StatusCause> causes)
    {
        var fields = string.Join(", ", causes.Select(c => c.Field is null ? c.Message : c.Field + ": " + c.Message));
        var qualified = QualifiedKind(kind);
        var message = causes.Count == 1 ? $"{qualified} \"{name}\" is invalid: {fields}" : $"{qualified} \"{name}\" is invalid: [{fields}]";
        return new(422, "Invalid", message, new StatusDetails(name, kind.Group, kind.Kind, Causes: causes));
    }

    private static string QualifiedKind(ResourceKind kind) => kind.Group.Length == 0 ? kind.Kind : kind.Kind + "." + kind.Group;

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>410: the requested resourceVersion is older than the history kept.</summary>
    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got \"{contentType}\")");

    public static ApiException MethodNotSupported(ResourceKind kind, string verb) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{kind.QualifiedResource}\"", new StatusDetails(null, kind.Group, kind.Plural));

    public static ApiException TooLarge(long limit) => new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static ApiException Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}");

    public static ApiException Unavailable(string message) => new(503, "ServiceUnavailable", message) { RetryAfterSeconds = 1 };

    /// <summary>A namespace that is being deleted accepts no new objects.</summary>
    public static ApiException NamespaceTerminating(ResourceKind kind, string name, string ns) =>
        new(403, "Forbidden", $"{kind.Plural} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", new StatusDetails(name, kind.Group, kind.Plural));
}

/// <summary>Kubernetes' StatusDetails.</summary>
public sealed record StatusDetails(string? Name, string? Group, string? Kind, string? Uid = null, IReadOnlyList<StatusCause>? Causes = null);

namespace Cluster.Core.Configuration.Hocon;

/// <summary>What went wrong, so callers and tests can tell a syntax error from a missing key.</summary>
public enum HoconErrorKind
{
    /// <summary>The text is not valid HOCON (or not valid JSON when parsed as JSON).</summary>
    Parse,

    /// <summary>A path expression is malformed (empty element, leading or trailing dot).</summary>
    BadPath,

    /// <summary>A value has the wrong type for what was asked of it, or values that cannot be concatenated were.</summary>
    WrongType,

    /// <summary>A required substitution has no value, or substitutions form a cycle.</summary>
    UnresolvedSubstitution,

    /// <summary>An include could not be read, is required and missing, or uses an unsupported source.</summary>
    Include,

    /// <summary>A typed getter asked for a path that is not set.</summary>
    Missing,

    /// <summary>A typed getter asked for a path whose value is null.</summary>
    Null,

    /// <summary>A value has the right type but an unusable content (e.g. an unknown duration unit).</summary>
    BadValue,
}

/// <summary>
/// The only exception the HOCON reader throws. It carries where the problem is, so a broken
/// configuration can stop a node with one readable line instead of a stack trace.
/// </summary>
public sealed class HoconException : Exception
{
    public HoconException()
        : this(HoconErrorKind.Parse, HoconOrigin.Unknown, "invalid configuration")
    {
    }

    public HoconException(string message)
        : this(HoconErrorKind.Parse, HoconOrigin.Unknown, message)
    {
    }

    public HoconException(string message, Exception innerException)
        : this(HoconErrorKind.Parse, HoconOrigin.Unknown, message, innerException)
    {
    }

    public HoconException(HoconErrorKind kind, HoconOrigin origin, string detail, Exception? innerException = null)
        : base($"{origin}: {detail}", innerException)
    {
        Kind = kind;
        Origin = origin;
        Detail = detail;
    }

    public HoconErrorKind Kind { get; }

    public HoconOrigin Origin { get; }

    /// <summary>The message without the origin prefix.</summary>
    public string Detail { get; }
}

namespace Cluster.Core.Configuration.Hocon;

/// <summary>Which reader a text goes to.</summary>
public enum HoconSyntax
{
    /// <summary>HOCON, a superset of JSON.</summary>
    Conf,

    /// <summary>Strict JSON: no comments, unquoted text, substitutions, includes or omitted commas.</summary>
    Json,

    /// <summary>Java .properties: keys split on '.', values are strings.</summary>
    Properties,
}

/// <summary>How text is read.</summary>
public sealed record HoconParseOptions
{
    public static HoconParseOptions Default { get; } = new();

    public HoconSyntax Syntax { get; init; } = HoconSyntax.Conf;

    /// <summary>The name used in origins and error messages for text that does not come from a file.</summary>
    public string SourceName { get; init; } = "<string>";

    /// <summary>Where includes in text that does not come from a file are looked up; the working directory when null.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>
    /// Where a plain <c>include "x"</c> (not <c>file()</c>) is looked up when it is not found relative to
    /// the including file, in order: the application-supplied replacement for the JVM classpath.
    /// </summary>
    public IReadOnlyList<string> IncludeSearchDirectories { get; init; } = [];
}

/// <summary>How substitutions are resolved.</summary>
public sealed record HoconResolveOptions
{
    /// <summary>No environment fallback: only the configuration itself answers substitutions.</summary>
    public static HoconResolveOptions NoEnvironment { get; } = new();

    /// <summary>
    /// Answers a substitution that the configuration does not set, given the path as written
    /// (elements joined with '.'); null turns the fallback off. Tests pass a dictionary lookup so
    /// that results never depend on the machine; <see cref="WithProcessEnvironment"/> uses the real one.
    /// </summary>
    public Func<string, string?>? EnvironmentLookup { get; init; }

    public static HoconResolveOptions WithProcessEnvironment() => new() { EnvironmentLookup = Environment.GetEnvironmentVariable };

    public static HoconResolveOptions WithEnvironment(IReadOnlyDictionary<string, string> variables) =>
        new() { EnvironmentLookup = name => variables.TryGetValue(name, out var value) ? value : null };
}

namespace Cluster.Core.Configuration.Hocon;

internal enum HoconIncludeKind
{
    Heuristic,
    File,
    Url,
    Classpath,
}

/// <summary>
/// Finds and parses included files. Both <c>include "x"</c> and <c>include file("x")</c> resolve
/// relative to the including file's directory (the reference implementation resolves file() against
/// the working directory; the spec allows this choice, and it keeps a node's behaviour independent
/// of where it was started). Text parsed from a string resolves against
/// <see cref="HoconParseOptions.BaseDirectory"/>, or the working directory when that is not set.
/// </summary>
internal sealed class HoconIncluder(string? directory, int depth, HoconParseOptions options)
{
    /// <summary>The reference implementation's limit; past it an include cycle is the likely cause.</summary>
    public const int MaxDepth = 50;

    public int Depth { get; } = depth;

    public HoconParseOptions Options { get; } = options;

    public HoconObject Include(HoconIncludeKind kind, string name, bool required, HoconOrigin origin)
    {
        if (kind is HoconIncludeKind.Url or HoconIncludeKind.Classpath)
        {
            var form = kind == HoconIncludeKind.Url ? "url" : "classpath";
            throw new HoconException(HoconErrorKind.Include, origin,
                $"include {form}(\"{name}\") is not supported: only include \"file\" and include file(\"file\") are");
        }

        if (Depth + 1 > MaxDepth)
        {
            throw new HoconException(HoconErrorKind.Parse, origin,
                $"include statements nested more than {MaxDepth} times; there is probably a cycle in the includes");
        }

        string path;
        try
        {
            var baseDirectory = directory ?? Options.BaseDirectory ?? Directory.GetCurrentDirectory();
            path = Path.GetFullPath(Path.Combine(baseDirectory, name));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException or System.Security.SecurityException)
        {
            throw new HoconException(HoconErrorKind.Include, origin, $"invalid include file name \"{name}\": {e.Message}", e);
        }

        var loaded = HoconFileLoader.TryLoadAnySyntax(path, Depth + 1, Options, origin);

        // The stand-in for the JVM classpath: a plain include not found beside the including file is
        // looked up in the application's search directories, so `include "x"` and `include "/x"` find shipped defaults.
        if (loaded is null && kind == HoconIncludeKind.Heuristic)
        {
            foreach (var searchDirectory in Options.IncludeSearchDirectories)
            {
                loaded = HoconFileLoader.TryLoadAnySyntax(Path.Combine(searchDirectory, name.TrimStart('/')), Depth + 1, Options, origin);
                if (loaded is not null)
                {
                    break;
                }
            }
        }

        return loaded ?? HoconFileLoader.Missing(path, required, origin);
    }
}

namespace Cluster.Core.Configuration.Hocon;

/// <summary>Reads configuration files, choosing the syntax from the extension and probing extensions for a bare name.</summary>
internal static class HoconFileLoader
{
    private static readonly (string Extension, HoconSyntax Syntax)[] ProbeOrder =
    [
        (".properties", HoconSyntax.Properties),
        (".json", HoconSyntax.Json),
        (".conf", HoconSyntax.Conf),
    ];

    /// <summary>
    /// Loads a file by name. With a known extension only that file is read; otherwise every one of
    /// name.properties, name.json and name.conf that exists is read and merged in that order (conf
    /// wins), and if none exists a file with exactly that name is read as HOCON.
    /// </summary>
    public static HoconObject LoadAnySyntax(string path, bool required, int depth, HoconParseOptions options, HoconOrigin origin) =>
        TryLoadAnySyntax(path, depth, options, origin) ?? Missing(path, required, origin);

    /// <summary>As <see cref="LoadAnySyntax"/>, but null when no candidate file exists.</summary>
    public static HoconObject? TryLoadAnySyntax(string path, int depth, HoconParseOptions options, HoconOrigin origin)
    {
        var known = Array.Find(ProbeOrder, p => path.EndsWith(p.Extension, StringComparison.Ordinal));
        if (known.Extension is not null)
        {
            return Exists(path, origin) ? LoadFile(path, known.Syntax, depth, options, origin) : null;
        }

        HoconObject? result = null;
        foreach (var (extension, syntax) in ProbeOrder)
        {
            var candidate = path + extension;
            if (Exists(candidate, origin))
            {
                var loaded = LoadFile(candidate, syntax, depth, options, origin);
                result = result is null ? loaded : HoconMerge.MergeObjects(result, loaded, []);
            }
        }

        if (result is null && Exists(path, origin))
        {
            result = LoadFile(path, HoconSyntax.Conf, depth, options, origin);
        }

        return result;
    }

    public static HoconObject Missing(string path, bool required, HoconOrigin origin) => required
        ? throw new HoconException(HoconErrorKind.Include, origin, $"required include '{path}' was not found")
        : HoconObject.Empty(origin);

    public static HoconObject LoadFile(string path, HoconSyntax syntax, int depth, HoconParseOptions options, HoconOrigin origin)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
                                       or System.Security.SecurityException)
        {
            throw new HoconException(HoconErrorKind.Include, origin, $"cannot read '{path}': {e.Message}", e);
        }

        var includer = new HoconIncluder(Path.GetDirectoryName(path), depth, options);
        return HoconDocumentParser.ParseObject(text, path, syntax, includer);
    }

    private static bool Exists(string path, HoconOrigin origin)
    {
        try
        {
            return File.Exists(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException)
        {
            throw new HoconException(HoconErrorKind.Include, origin, $"invalid file name '{path}': {e.Message}", e);
        }
    }
}

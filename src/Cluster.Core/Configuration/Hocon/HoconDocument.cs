namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// A parsed but unresolved configuration. Layering (<see cref="WithFallback"/>) happens here,
/// before resolution, so a substitution in a reference file sees the application's override,
/// exactly as if both were one file.
/// </summary>
public sealed class HoconDocument
{
    private HoconDocument(HoconObject root) => Root = root;

    internal HoconObject Root { get; }

    public static HoconDocument Parse(string text, HoconParseOptions? options = null)
    {
        options ??= HoconParseOptions.Default;
        var includer = new HoconIncluder(directory: null, depth: 0, options);
        return new HoconDocument(HoconDocumentParser.ParseObject(text, options.SourceName, options.Syntax, includer));
    }

    /// <summary>Reads one file, choosing the syntax from its extension (.json, .properties, anything else HOCON).</summary>
    public static HoconDocument Load(string path, HoconParseOptions? options = null)
    {
        options ??= HoconParseOptions.Default;
        var fullPath = Path.GetFullPath(path);
        var origin = new HoconOrigin(fullPath, 0, 0);
        if (!File.Exists(fullPath))
        {
            throw new HoconException(HoconErrorKind.Include, origin, $"configuration file '{fullPath}' was not found");
        }

        var syntax = Path.GetExtension(fullPath) switch
        {
            ".json" => HoconSyntax.Json,
            ".properties" => HoconSyntax.Properties,
            _ => HoconSyntax.Conf,
        };
        return new HoconDocument(HoconFileLoader.LoadFile(fullPath, syntax, depth: 0, options, origin));
    }

    /// <summary>Reads every one of basePath.properties, .json and .conf that exists, merged in that order (conf wins).</summary>
    public static HoconDocument LoadAnySyntax(string basePath, HoconParseOptions? options = null)
    {
        var fullPath = Path.GetFullPath(basePath);
        var origin = new HoconOrigin(fullPath, 0, 0);
        return new HoconDocument(HoconFileLoader.LoadAnySyntax(fullPath, required: true, depth: 0, options ?? HoconParseOptions.Default, origin));
    }

    /// <summary>Returns a document where this one's values win and <paramref name="fallback"/> fills the gaps.</summary>
    public HoconDocument WithFallback(HoconDocument fallback) =>
        new(HoconMerge.MergeObjects(HoconTreeCopy.CopyObject(fallback.Root), HoconTreeCopy.CopyObject(Root), []));

    public HoconConfig Resolve(HoconResolveOptions? options = null) => ResolveTree(HoconTreeCopy.CopyObject(Root), options);

    /// <summary>Resolves a tree nobody else holds, skipping the defensive copy (parse-and-resolve in one step).</summary>
    internal HoconConfig ResolveOnce(HoconResolveOptions? options) => ResolveTree(Root, options);

    private static HoconConfig ResolveTree(HoconObject root, HoconResolveOptions? options)
    {
        HoconResolver.ResolveInPlace(root, (options ?? HoconResolveOptions.NoEnvironment).EnvironmentLookup);
        return new HoconConfig(root);
    }
}

namespace Cluster.Core.Configuration.Hocon;

/// <summary>Dispatches text to the HOCON, JSON or .properties reader and checks that a configuration's root is an object.</summary>
internal static class HoconDocumentParser
{
    public static HoconObject ParseObject(string text, string source, HoconSyntax syntax, HoconIncluder includer)
    {
        if (syntax == HoconSyntax.Properties)
        {
            return JavaPropertiesReader.Read(text, source);
        }

        var root = HoconParser.ParseDocument(text, source, syntax == HoconSyntax.Json, includer);
        return root as HoconObject
            ?? throw new HoconException(HoconErrorKind.WrongType, root.Origin,
                $"the root of {source} is a list; a configuration (and an included file) must have an object at its root");
    }
}

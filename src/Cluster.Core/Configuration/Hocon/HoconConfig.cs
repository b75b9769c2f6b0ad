using System.Globalization;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// A resolved configuration with typed getters. Paths are path expressions (<c>akka.actor."a.b"</c>).
/// Getters follow the reference implementation's conversions: strings convert to numbers and
/// booleans on request, numbers to strings by their original text, and null converts to nothing.
/// </summary>
public sealed partial class HoconConfig
{
    internal HoconConfig(HoconObject root) => Root = root;

    public HoconObject Root { get; }

    public static HoconConfig Empty { get; } = new(HoconObject.Empty(HoconOrigin.Unknown));

    /// <summary>Parses and resolves text in one step.</summary>
    public static HoconConfig Parse(string text, HoconParseOptions? parse = null, HoconResolveOptions? resolve = null) =>
        HoconDocument.Parse(text, parse).ResolveOnce(resolve);

    /// <summary>Loads and resolves a file in one step.</summary>
    public static HoconConfig Load(string path, HoconParseOptions? parse = null, HoconResolveOptions? resolve = null) =>
        HoconDocument.Load(path, parse).ResolveOnce(resolve);

    /// <summary>True when the path is set to a value other than null.</summary>
    public bool HasPath(string path) => Find(path) is { Type: not HoconValueType.Null };

    /// <summary>The value at a path, or null when it is not set.</summary>
    public HoconValue? GetValue(string path) => Find(path);

    public HoconOrigin? GetOrigin(string path) => Find(path)?.Origin;

    public HoconConfig GetConfig(string path) =>
        Require(path) as HoconObject is { } obj ? new HoconConfig(obj) : throw WrongType(path, Require(path), "an object");

    /// <summary>Layers resolved configurations: this one's values win, objects merge, and the fallback fills the gaps.</summary>
    public HoconConfig WithFallback(HoconConfig fallback) => new((HoconObject)HoconMerge.MergeResolved(fallback.Root, Root));

    public string GetString(string path)
    {
        var value = Require(path);
        return value is HoconScalar scalar ? scalar.Text : throw WrongType(path, value, "a string");
    }

    public bool GetBoolean(string path)
    {
        var value = Require(path);
        if (value is HoconScalar { Type: HoconValueType.Boolean or HoconValueType.String } scalar)
        {
            switch (scalar.Text)
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
            }
        }

        throw WrongType(path, value, "a boolean (true, false, yes, no, on or off)");
    }

    public double GetDouble(string path)
    {
        var value = Require(path);
        return TryGetNumberText(value, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw WrongType(path, value, "a number");
    }

    /// <summary>A whole number; a fractional value is truncated, as in the reference implementation.</summary>
    public long GetLong(string path)
    {
        var value = Require(path);
        if (TryGetNumberText(value, out var text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return whole;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                && real >= long.MinValue && real < long.MaxValue)
            {
                return (long)real;
            }
        }

        throw WrongType(path, value, "a number that fits a 64-bit integer");
    }

    public int GetInt(string path)
    {
        var number = GetLong(path);
        return number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : throw new HoconException(HoconErrorKind.WrongType, Require(path).Origin, $"'{path}' is {number}, which does not fit a 32-bit integer");
    }

    private static bool TryGetNumberText(HoconValue value, out string text)
    {
        text = value is HoconScalar { Type: HoconValueType.Number or HoconValueType.String } scalar ? scalar.Text.Trim() : string.Empty;
        return text.Length > 0;
    }

    private HoconValue? Find(string path)
    {
        HoconValue current = Root;
        foreach (var element in HoconPath.Parse(path))
        {
            if (current is not HoconObject obj || !obj.TryGetValue(element, out var child))
            {
                return null;
            }

            current = child;
        }

        return current;
    }

    private HoconValue Require(string path) => Find(path) switch
    {
        null => throw new HoconException(HoconErrorKind.Missing, Root.Origin, $"no configuration setting found for key '{path}'"),
        { Type: HoconValueType.Null } value => throw new HoconException(HoconErrorKind.Null, value.Origin,
            $"configuration key '{path}' is set to null but a value is required"),
        var value => value,
    };

    private static HoconException WrongType(string path, HoconValue value, string expected) =>
        new(HoconErrorKind.WrongType, value.Origin, $"'{path}' has type {value.Type?.ToString().ToUpperInvariant()} rather than {expected}");

    private static HoconException BadValue(string path, HoconValue value, string detail) =>
        new(HoconErrorKind.BadValue, value.Origin, $"invalid value at '{path}': {detail}");
}

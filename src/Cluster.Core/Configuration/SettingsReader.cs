using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Configuration;

/// <summary>
/// Reads typed values from a configuration section for the per-module settings records, with
/// errors that name the full key, the value and the expected form.
/// </summary>
public static class SettingsReader
{
    public static TimeSpan Duration(IConfiguration section, string key, TimeSpan fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return ConfigValueParsers.TryParseDuration(text, out var value)
            ? value
            : throw SettingsException.Invalid(FullKey(section, key), text, "expected a duration such as 500ms, 10s, 2m or 'infinite'");
    }

    public static int Int(IConfiguration section, string key, int fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw SettingsException.Invalid(FullKey(section, key), text, "expected a whole number");
    }

    public static bool Bool(IConfiguration section, string key, bool fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return ConfigValueParsers.TryParseBoolean(text, out var value)
            ? value
            : throw SettingsException.Invalid(FullKey(section, key), text, "expected on/off, true/false or yes/no");
    }

    public static string String(IConfiguration section, string key, string fallback) => section[key] ?? fallback;

    /// <summary>A list: a HOCON array (children 0, 1, ...) or one value, either way with comma-separated items split (as a command-line flag gives them).</summary>
    public static IReadOnlyList<string> List(IConfiguration section, string key)
    {
        var list = section.GetSection(key);
        var values = list.Value is { Length: > 0 } single ? [single] : list.GetChildren().Select(c => c.Value).OfType<string>();
        return [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }

    private static string FullKey(IConfiguration section, string key)
    {
        var path = section is IConfigurationSection s ? s.Path + ":" + key : key;
        return path.Replace(':', '.');
    }
}

/// <summary>A setting is invalid; the message names the key, the value and the rule.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public string? Key { get; private init; }

    public static SettingsException Invalid(string key, object? value, string rule) =>
        new($"Invalid setting {key} = '{value}': {rule}.") { Key = key };

    public static void Require(bool condition, string key, object? value, string rule)
    {
        if (!condition)
        {
            throw Invalid(key, value, rule);
        }
    }
}

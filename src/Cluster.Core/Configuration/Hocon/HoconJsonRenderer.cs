using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>How <see cref="HoconJsonRenderer"/> writes a tree.</summary>
public sealed record HoconRenderOptions
{
    /// <summary>Plain JSON, every value shown: what render-then-parse round trips.</summary>
    public static HoconRenderOptions Plain { get; } = new() { MaskSecrets = false };

    /// <summary>For <c>config show</c>: secrets masked and each value's origin alongside it.</summary>
    public static HoconRenderOptions Show { get; } = new() { IncludeOrigins = true };

    /// <summary>Replaces the value of any key that names a password, secret, token or key.</summary>
    public bool MaskSecrets { get; init; } = true;

    /// <summary>Writes each scalar as <c>{"value": ..., "origin": "file:line"}</c>.</summary>
    public bool IncludeOrigins { get; init; }

    public bool Indented { get; init; } = true;
}

/// <summary>Renders a resolved tree as JSON, the form <c>Cluster.Node config show</c> prints.</summary>
public static partial class HoconJsonRenderer
{
    public const string Mask = "********";

    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passwords", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "key", "keys", "apikey", "credentials",
    };

    public static string Render(HoconConfig config, HoconRenderOptions? options = null) => Render(config.Root, options);

    public static string Render(HoconValue value, HoconRenderOptions? options = null)
    {
        var builder = new StringBuilder();
        Write(builder, value, options ?? HoconRenderOptions.Plain, depth: 0, masked: false);
        return builder.ToString();
    }

    /// <summary>True for keys such as "password", "db-password", "apiToken", "secret_key" or "private-key".</summary>
    public static bool IsSecretKey(string key) =>
        WordBoundary().Split(key).Any(word => SecretWords.Contains(word));

    private static void Write(StringBuilder builder, HoconValue value, HoconRenderOptions options, int depth, bool masked)
    {
        switch (value)
        {
            case HoconObject obj:
                WriteContainer(builder, '{', '}', obj.Entries.ToList(), options, depth, (entry, d) =>
                {
                    builder.Append(HoconJsonText.Quote(entry.Key)).Append(options.Indented ? " : " : ":");
                    Write(builder, entry.Value, options, d, masked || (options.MaskSecrets && IsSecretKey(entry.Key)));
                });
                break;
            case HoconArray array:
                WriteContainer(builder, '[', ']', array.Items.ToList(), options, depth, (item, d) => Write(builder, item, options, d, masked));
                break;
            case HoconScalar scalar when options.IncludeOrigins:
                builder.Append("{\"value\":");
                WriteScalar(builder, scalar, masked);
                builder.Append(",\"origin\":").Append(HoconJsonText.Quote($"{scalar.Origin.Description}:{scalar.Origin.Line}")).Append('}');
                break;
            case HoconScalar scalar:
                WriteScalar(builder, scalar, masked);
                break;
            default:
                throw new HoconException(HoconErrorKind.WrongType, value.Origin, "only a resolved configuration can be rendered");
        }
    }

    private static void WriteContainer<T>(StringBuilder builder, char open, char close, List<T> items, HoconRenderOptions options,
        int depth, Action<T, int> writeItem)
    {
        builder.Append(open);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            NewLine(builder, options, depth + 1);
            writeItem(items[i], depth + 1);
        }

        if (items.Count > 0)
        {
            NewLine(builder, options, depth);
        }

        builder.Append(close);
    }

    private static void NewLine(StringBuilder builder, HoconRenderOptions options, int depth)
    {
        if (options.Indented)
        {
            builder.Append('\n').Append(' ', depth * 2);
        }
    }

    private static void WriteScalar(StringBuilder builder, HoconScalar scalar, bool masked)
    {
        if (masked && scalar.Type != HoconValueType.Null)
        {
            builder.Append(HoconJsonText.Quote(Mask));
            return;
        }

        switch (scalar.Type)
        {
            case HoconValueType.Number:
                builder.Append(JsonNumber().IsMatch(scalar.Text)
                    ? scalar.Text
                    : double.Parse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                break;
            case HoconValueType.String:
                builder.Append(HoconJsonText.Quote(scalar.Text));
                break;
            default:
                builder.Append(scalar.Text);
                break;
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    /// <summary>Splits "db-password", "secret_key" and "apiToken" into words.</summary>
    [GeneratedRegex("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordBoundary();
}

using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Configuration;

/// <summary>
/// Turns a resolved HOCON tree into Microsoft.Extensions.Configuration's flat, case-insensitive
/// key/value map, with choices binders can rely on:
/// paths join with ':', a quoted key containing '.' stays one segment, array element i is "key:i",
/// numbers keep their original text, booleans are "true"/"false", durations and sizes stay strings
/// ("10s") for <see cref="ConfigValueParsers"/>, null is stored as a null value (so a later source can
/// clear an earlier default), an empty object or list is stored as a null value so the section exists,
/// and a HOCON key that contains ':' addresses the same entry as the nested path it spells. Two keys
/// that differ only in case, or spell the same entry, are an error rather than a silent overwrite.
/// </summary>
internal static class HoconConfigurationFlattener
{
    private const string ConfigurationPathSeparator = ":";

    public static Dictionary<string, string?> Flatten(HoconObject root)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in root.Entries)
        {
            Visit(data, key, value);
        }

        return data;
    }

    private static void Visit(Dictionary<string, string?> data, string key, HoconValue value)
    {
        switch (value)
        {
            case HoconObject obj when obj.Count == 0:
                Add(data, key, null, value);
                break;
            case HoconObject obj:
                foreach (var (childKey, child) in obj.Entries)
                {
                    Visit(data, key + ConfigurationPathSeparator + childKey, child);
                }

                break;
            case HoconArray array when array.Items.Count == 0:
                Add(data, key, null, value);
                break;
            case HoconArray array:
                for (var i = 0; i < array.Items.Count; i++)
                {
                    Visit(data, key + ConfigurationPathSeparator + i.ToString(System.Globalization.CultureInfo.InvariantCulture), array.Items[i]);
                }

                break;
            case HoconScalar { Type: HoconValueType.Null }:
                Add(data, key, null, value);
                break;
            case HoconScalar scalar:
                Add(data, key, scalar.Text, value);
                break;
            default:
                throw new HoconException(HoconErrorKind.WrongType, value.Origin, "only a resolved configuration can be flattened");
        }
    }

    private static void Add(Dictionary<string, string?> data, string key, string? text, HoconValue value)
    {
        if (!data.TryAdd(key, text))
        {
            throw new HoconException(HoconErrorKind.BadPath, value.Origin,
                $"configuration key '{key}' is defined twice once flattened (keys that differ only in case, or a key containing ':' "
                + "that spells a nested path, collide because IConfiguration keys are case-insensitive and ':'-separated)");
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Configuration;

/// <summary>
/// Hands the <c>akka</c> section of the node's configuration (reference.conf, the user's file,
/// <c>CLUSTER_AKKA__...</c> variables, <c>--akka:...</c> flags, already layered) to Akka as its
/// Config, so Akka's settings live in the same files and override the same way as everything
/// else. Sections whose keys are 0, 1, 2, ... become lists again (the flattened form of a HOCON array).
/// </summary>
public static class AkkaConfigBridge
{
    public const string SectionName = "akka";

    /// <summary>The <c>akka</c> section as Akka Config (empty when absent).</summary>
    public static Config FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        if (!section.GetChildren().Any())
        {
            return Config.Empty;
        }

        var root = new JsonObject { [SectionName] = ToNode(section) };
        return ConfigurationFactory.ParseString(root.ToJsonString());
    }

    /// <summary>HOCON text that sets <paramref name="path"/> to <paramref name="value"/> (a string, number, bool or list of strings), quoted safely.</summary>
    public static string Setting(string path, object value) => value switch
    {
        IEnumerable<string> list when value is not string => $"{path} = {JsonSerializer.Serialize(list.ToArray())}",
        bool b => $"{path} = {(b ? "on" : "off")}",
        int or long => $"{path} = {Convert.ToString(value, CultureInfo.InvariantCulture)}",
        _ => $"{path} = {JsonSerializer.Serialize(Convert.ToString(value, CultureInfo.InvariantCulture))}",
    };

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToArray();
        if (children.Length == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        if (IsList(children))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToNode(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToNode(child);
        }

        return obj;
    }

    private static bool IsList(IConfigurationSection[] children)
    {
        var indexes = new bool[children.Length];
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= children.Length || indexes[index])
            {
                return false;
            }

            indexes[index] = true;
        }

        return true;
    }
}

using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>Resource lists (name → quantity) and the arithmetic quota does on them (upstream's quota/v1 helpers).</summary>
public static class ResourceLists
{
    /// <summary>The parsable entries of a JSON resource list (none when absent).</summary>
    public static Dictionary<string, Quantity> Read(JsonNode? list)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (list is JsonObject o)
        {
            foreach (var (name, value) in o)
            {
                if (Quantity.TryRead(value, out var quantity, out _))
                {
                    result[name] = quantity;
                }
            }
        }

        return result;
    }

    /// <summary>The sum of two lists over the union of their names.</summary>
    public static Dictionary<string, Quantity> Add(IReadOnlyDictionary<string, Quantity> a, IReadOnlyDictionary<string, Quantity> b)
    {
        var result = new Dictionary<string, Quantity>(a, StringComparer.Ordinal);
        foreach (var (name, value) in b)
        {
            result[name] = result.TryGetValue(name, out var sum) ? Plus(sum, value) : value;
        }

        return result;
    }

    /// <summary>Adds <paramref name="value"/> to <paramref name="list"/>'s entry for <paramref name="name"/>.</summary>
    public static void AddTo(Dictionary<string, Quantity> list, string name, Quantity value) =>
        list[name] = list.TryGetValue(name, out var sum) ? Plus(sum, value) : value;

    /// <summary>Only the entries named in <paramref name="names"/>.</summary>
    public static Dictionary<string, Quantity> Mask(IReadOnlyDictionary<string, Quantity> list, IEnumerable<string> names)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (list.TryGetValue(name, out var value))
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>The names whose value in <paramref name="a"/> is above <paramref name="b"/>'s (names only one has are not compared).</summary>
    public static List<string> Exceeding(IReadOnlyDictionary<string, Quantity> a, IReadOnlyDictionary<string, Quantity> b) =>
        [.. b.Where(limit => a.TryGetValue(limit.Key, out var value) && value > limit.Value).Select(limit => limit.Key).Order(StringComparer.Ordinal)];

    /// <summary>Same names with equal values.</summary>
    public static bool Equal(IReadOnlyDictionary<string, Quantity> a, IReadOnlyDictionary<string, Quantity> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var other) && other == e.Value);

    /// <summary>"name=value,..." sorted by name, as upstream's error messages print lists.</summary>
    public static string Print(IReadOnlyDictionary<string, Quantity> list) =>
        string.Join(",", list.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value));

    /// <summary>The list as a JSON object, sorted by name.</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, Quantity> list)
    {
        var result = new JsonObject();
        foreach (var (name, value) in list.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            result[name] = value.ToString();
        }

        return result;
    }

    /// <summary>A zero takes the other's format (as apimachinery's Add), so 0 + 1Gi prints "1Gi", not bytes.</summary>
    private static Quantity Plus(Quantity a, Quantity b) => a.IsZero ? b : b.IsZero ? a : a + b;
}

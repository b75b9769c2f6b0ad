using System.Text.Json.Nodes;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Core.Registry.Rbac;

/// <summary>
/// The rules of an aggregated ClusterRole (one with an aggregationRule), as upstream's clusterrole-aggregation controller
/// computes them: for each selector in turn, the rules of every other ClusterRole it matches, those roles taken in name
/// order, each rule once. The bootstrap policy writes this union in up front and the controller keeps it current, so
/// both must compute it the same way: here.
/// </summary>
public static class ClusterRoleAggregation
{
    private static readonly string[] RuleFields = ["verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"];

    /// <summary>The aggregationRule's selectors; null when the role aggregates nothing (its rules are its own).</summary>
    public static IReadOnlyList<LabelSelector>? Selectors(JsonObject clusterRole)
    {
        if (clusterRole["aggregationRule"] is not JsonObject rule)
        {
            return null;
        }

        return rule["clusterRoleSelectors"] is JsonArray selectors ? [.. selectors.Select(LabelSelector.FromJson)] : [];
    }

    /// <summary>
    /// The rules <paramref name="aggregated"/> should have, from <paramref name="clusterRoles"/> (every ClusterRole, itself
    /// included or not); new nodes, so the result can be written into an object.
    /// </summary>
    public static JsonArray Union(JsonObject aggregated, IEnumerable<JsonObject> clusterRoles)
    {
        var rules = new JsonArray();
        var selectors = Selectors(aggregated);
        if (selectors is null)
        {
            return rules;
        }

        var self = ObjectMeta.Name(aggregated);
        var byName = clusterRoles.Where(r => ObjectMeta.Name(r) != self).OrderBy(ObjectMeta.Name, StringComparer.Ordinal).ToList();
        foreach (var selector in selectors)
        {
            foreach (var role in byName.Where(r => selector.Matches(ObjectMeta.Labels(r))))
            {
                foreach (var rule in (role["rules"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (!rules.Any(r => SameRule((JsonObject)r!, rule)))
                    {
                        rules.Add(rule.DeepClone());
                    }
                }
            }
        }

        return rules;
    }

    /// <summary>Whether two rule lists say the same (upstream compares semantically: an absent list equals an empty one).</summary>
    public static bool SameRules(JsonArray? a, JsonArray? b)
    {
        var left = (a ?? []).OfType<JsonObject>().ToList();
        var right = (b ?? []).OfType<JsonObject>().ToList();
        return left.Count == right.Count && left.Zip(right).All(pair => SameRule(pair.First, pair.Second));
    }

    private static bool SameRule(JsonObject a, JsonObject b) =>
        RuleFields.All(field => Values(a, field).SequenceEqual(Values(b, field), StringComparer.Ordinal));

    private static IEnumerable<string> Values(JsonObject rule, string field) =>
        (rule[field] as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "");
}

using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>One scope a quota limits itself to: <c>spec.scopes</c> entries (Exists) and <c>spec.scopeSelector</c> expressions.</summary>
public sealed record ScopeSelector(string ScopeName, string Operator, IReadOnlyList<string> Values);

/// <summary>Which objects a scoped quota covers (upstream podMatchesScopeFunc); only pods are ever in a scope.</summary>
public static class QuotaScopes
{
    /// <summary>The quota's scopes: each of spec.scopes as Exists, then spec.scopeSelector's matchExpressions.</summary>
    public static List<ScopeSelector> Of(JsonObject quota)
    {
        var spec = JsonFields.Obj(quota, "spec");
        var selectors = new List<ScopeSelector>();
        foreach (var scope in JsonFields.Arr(spec, "scopes") ?? [])
        {
            if (JsonFields.AsString(scope) is { } name)
            {
                selectors.Add(new ScopeSelector(name, "Exists", []));
            }
        }

        foreach (var (_, expression) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(spec, "scopeSelector"), "matchExpressions")))
        {
            var values = (JsonFields.Arr(expression, "values") ?? []).Select(JsonFields.AsString).OfType<string>().ToList();
            selectors.Add(new ScopeSelector(JsonFields.Str(expression, "scopeName") ?? "", JsonFields.Str(expression, "operator") ?? "", values));
        }

        return selectors;
    }

    public static bool Matches(ScopeSelector selector, ResourceKind kind, JsonObject obj)
    {
        if (kind != BuiltInKinds.Pod)
        {
            return false;
        }

        var spec = JsonFields.Obj(obj, "spec");
        return selector.ScopeName switch
        {
            "Terminating" => Terminating(spec),
            "NotTerminating" => !Terminating(spec),
            "BestEffort" => PodQos.Compute(obj) == PodQos.BestEffort,
            "NotBestEffort" => PodQos.Compute(obj) != PodQos.BestEffort,
            "PriorityClass" => PriorityClass(selector, JsonFields.Str(spec, "priorityClassName") ?? ""),
            "CrossNamespacePodAffinity" => CrossNamespaceAffinity(spec),
            _ => false,
        };
    }

    private static bool Terminating(JsonObject? spec) => JsonFields.Int(spec, "activeDeadlineSeconds") is >= 0;

    /// <summary>The pod's class as the label "PriorityClass" (absent without one), matched by the expression.</summary>
    private static bool PriorityClass(ScopeSelector selector, string className) => selector.Operator switch
    {
        "Exists" => className.Length > 0,
        "DoesNotExist" => className.Length == 0,
        "In" => className.Length > 0 && selector.Values.Contains(className, StringComparer.Ordinal),
        "NotIn" => className.Length == 0 || !selector.Values.Contains(className, StringComparer.Ordinal),
        _ => false,
    };

    private static bool CrossNamespaceAffinity(JsonObject? spec)
    {
        var affinity = JsonFields.Obj(spec, "affinity");
        foreach (var kind in (ReadOnlySpan<string>)["podAffinity", "podAntiAffinity"])
        {
            var rules = JsonFields.Obj(affinity, kind);
            var terms = JsonFields.Items(JsonFields.Arr(rules, "requiredDuringSchedulingIgnoredDuringExecution")).Select(t => t.Item)
                .Concat(JsonFields.Items(JsonFields.Arr(rules, "preferredDuringSchedulingIgnoredDuringExecution")).Select(t => JsonFields.Obj(t.Item, "podAffinityTerm")));
            if (terms.Any(t => JsonFields.Arr(t, "namespaces") is { Count: > 0 } || JsonFields.Obj(t, "namespaceSelector") is not null))
            {
                return true;
            }
        }

        return false;
    }
}

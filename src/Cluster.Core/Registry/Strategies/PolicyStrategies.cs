using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// PriorityClasses (scheduling.k8s.io/v1): names starting "system-" belong to the two system classes, a user class's value
/// is at most one billion, and value and preemptionPolicy never change (upstream ValidatePriorityClass).
/// </summary>
internal sealed class PriorityClassStrategy : ResourceStrategy
{
    public const int HighestUserDefinablePriority = 1_000_000_000;
    private const string SystemPrefix = "system-";

    public PriorityClassStrategy()
        : base(BuiltInKinds.PriorityClass)
    {
    }

    /// <summary>The classes every cluster has from its first start, as upstream's scheduling bootstrap creates them.</summary>
    public static IReadOnlyList<JsonObject> SystemClasses() =>
    [
        System("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
        System("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
    ];

    protected override void ApplyDefaults(JsonObject obj) => JsonFields.DefaultString(obj, "preemptionPolicy", "PreemptLowerPriority");

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var name = ObjectMeta.Name(obj);
        var value = JsonFields.Int(obj, "value") ?? 0;
        if (name.StartsWith(SystemPrefix, StringComparison.Ordinal))
        {
            if (KnownSystemClassError(name, value, JsonFields.Bool(obj, "globalDefault") == true) is { } error)
            {
                causes.Forbidden("metadata.name", "priority class names with '" + SystemPrefix + "' prefix are reserved for system use only. error: " + error);
            }
        }
        else if (value > HighestUserDefinablePriority)
        {
            causes.Forbidden("value", "maximum allowed value of a user defined priority is " + HighestUserDefinablePriority.ToString(CultureInfo.InvariantCulture));
        }

        causes.OptionalOneOf(obj, "preemptionPolicy", "preemptionPolicy", "Never", "PreemptLowerPriority");
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        if (JsonFields.Int(updated, "value") != JsonFields.Int(old, "value"))
        {
            causes.Forbidden("value", "may not be changed in an update.");
        }

        causes.ImmutableField("preemptionPolicy", updated["preemptionPolicy"], old["preemptionPolicy"]);
    }

    private static string? KnownSystemClassError(string name, long value, bool globalDefault)
    {
        var known = SystemClasses().FirstOrDefault(c => ObjectMeta.Name(c) == name);
        if (known is null)
        {
            return name + " is not a known system priority class";
        }

        var expected = JsonFields.Int(known, "value");
        return value != expected ? F($"value of {name} PriorityClass must be {expected}")
            : globalDefault ? F($"globalDefault of {name} PriorityClass must be false")
            : null;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static JsonObject System(string name, int value, string description) => new()
    {
        ["apiVersion"] = "scheduling.k8s.io/v1",
        ["kind"] = "PriorityClass",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["value"] = value,
        ["description"] = description,
    };
}

/// <summary>
/// PodDisruptionBudgets (policy/v1): minAvailable or maxUnavailable (not both), each a non-negative number or a percentage
/// of at most 100%, a valid selector; status starts at zero counts (upstream ValidatePodDisruptionBudgetSpec).
/// </summary>
internal sealed class PodDisruptionBudgetStrategy : ResourceStrategy
{
    public PodDisruptionBudgetStrategy()
        : base(BuiltInKinds.PodDisruptionBudget)
    {
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new()
    {
        ["disruptionsAllowed"] = 0,
        ["currentHealthy"] = 0,
        ["desiredHealthy"] = 0,
        ["expectedPods"] = 0,
    };

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec");
        if (spec is null)
        {
            return;
        }

        if (!JsonFields.Missing(spec, "minAvailable") && !JsonFields.Missing(spec, "maxUnavailable"))
        {
            causes.Invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set");
        }

        foreach (var key in (ReadOnlySpan<string>)["minAvailable", "maxUnavailable"])
        {
            WorkloadStrategy.ValidateIntOrPercent(spec, key, "spec." + key, causes);
            WorkloadStrategy.ValidateAtMost100Percent(spec, key, "spec." + key, causes);
        }

        if (spec["selector"] is JsonObject selector)
        {
            LabelSelectors.Validate(selector, "spec.selector", causes);
        }

        causes.OptionalOneOf(spec, "unhealthyPodEvictionPolicy", "spec.unhealthyPodEvictionPolicy", "IfHealthyBudget", "AlwaysAllow");
    }
}

using System.Text.Json.Nodes;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// HorizontalPodAutoscalers (autoscaling/v2, also served as autoscaling/v1): minReplicas defaults to 1 and an empty metrics
/// list to 80% average CPU utilization; a behavior is filled with the default scaling rules (upstream SetDefaults_*);
/// validation as upstream's ValidateHorizontalPodAutoscaler (scale-to-zero gate off). Status starts as
/// <c>{desiredReplicas: 0}</c> and only the status subresource writes it.
/// </summary>
internal sealed class HorizontalPodAutoscalerStrategy : ResourceStrategy
{
    public const int DefaultCpuUtilization = 80;
    private static readonly string[] MetricSourceTypes = ["ContainerResource", "External", "Object", "Pods", "Resource"];
    private static readonly string[] SourceFields = ["object", "pods", "resource", "external", "containerResource"];

    public HorizontalPodAutoscalerStrategy()
        : base(BuiltInKinds.HorizontalPodAutoscaler)
    {
    }

    /// <summary>The metric autoscaling/v1 implies when it names no CPU target: 80% average CPU utilization.</summary>
    public static JsonObject CpuUtilizationMetric(long percent) => new()
    {
        ["type"] = "Resource",
        ["resource"] = new JsonObject
        {
            ["name"] = "cpu",
            ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = percent },
        },
    };

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["desiredReplicas"] = 0 };

    protected override void ApplyDefaults(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        JsonFields.Default(spec, "minReplicas", 1);
        if (spec["metrics"] is not JsonArray { Count: > 0 })
        {
            spec["metrics"] = new JsonArray(CpuUtilizationMetric(DefaultCpuUtilization));
        }

        if (spec["behavior"] is JsonObject behavior)
        {
            DefaultRules(behavior, "scaleUp", 0, () => [Policy("Pods", 4), Policy("Percent", 100)]);
            DefaultRules(behavior, "scaleDown", 300, () => [Policy("Percent", 100)]);
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        var min = JsonFields.Int(spec, "minReplicas");
        var max = JsonFields.Int(spec, "maxReplicas") ?? 0;
        if (min is < 1)
        {
            causes.Invalid("spec.minReplicas", min.Value, "must be greater than or equal to 1");
        }

        if (max < 1)
        {
            causes.Invalid("spec.maxReplicas", max, "must be greater than 0");
        }

        if (min is { } m && max < m)
        {
            causes.Invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`");
        }

        // As upstream: the metrics are checked only with a valid target, the behavior only with valid metrics.
        var before = causes.Count;
        ValidateReference(JsonFields.Obj(spec, "scaleTargetRef"), "spec.scaleTargetRef", causes);
        if (causes.Count == before)
        {
            foreach (var (i, metric) in JsonFields.Items(JsonFields.Arr(spec, "metrics")))
            {
                ValidateMetric(metric, JsonFields.Index("spec.metrics", i), causes);
            }
        }

        if (causes.Count == before && JsonFields.Obj(spec, "behavior") is { } behavior)
        {
            ValidateRules(JsonFields.Obj(behavior, "scaleUp"), "spec.behavior.scaleUp", causes);
            ValidateRules(JsonFields.Obj(behavior, "scaleDown"), "spec.behavior.scaleDown", causes);
        }
    }

    private static void ValidateReference(JsonObject? reference, string path, Causes causes)
    {
        foreach (var field in (ReadOnlySpan<string>)["kind", "name"])
        {
            var value = JsonFields.Str(reference, field) ?? "";
            if (value.Length == 0)
            {
                causes.Required(path + "." + field);
            }
            else
            {
                causes.InvalidEach(path + "." + field, value, NameValidation.IsValidPathSegmentName(value, false));
            }
        }
    }

    private static void ValidateMetric(JsonObject metric, string path, Causes causes)
    {
        var type = JsonFields.Str(metric, "type") ?? "";
        if (type.Length == 0)
        {
            causes.Required(path + ".type", "must specify a metric source type");
        }

        if (!MetricSourceTypes.Contains(type, StringComparer.Ordinal))
        {
            causes.NotSupported(path + ".type", type, MetricSourceTypes);
        }

        var expected = type.Length == 0 ? "" : char.ToLowerInvariant(type[0]) + type[1..];
        var present = SourceFields.Where(f => metric[f] is JsonObject).ToArray();
        if (present.Length > 0)
        {
            ValidateSource(present[0], (JsonObject)metric[present[0]]!, path + "." + present[0], causes);
        }

        if (MetricSourceTypes.Contains(type, StringComparer.Ordinal) && metric[expected] is not JsonObject)
        {
            causes.Required(path + "." + expected, "must populate information for the given metric source");
        }

        if (present.Length != 1)
        {
            foreach (var extra in present.Where(f => f != expected))
            {
                causes.Forbidden(path + "." + extra, "must populate the given metric source only");
            }
        }
    }

    private static void ValidateSource(string field, JsonObject source, string path, Causes causes)
    {
        var target = JsonFields.Obj(source, "target") ?? [];
        if (field is "resource" or "containerResource")
        {
            if (string.IsNullOrEmpty(JsonFields.Str(source, "name")))
            {
                causes.Required(path + ".name", "must specify a resource name");
            }

            if (field == "containerResource" && string.IsNullOrEmpty(JsonFields.Str(source, "container")))
            {
                causes.Required(path + ".container", "must specify a container");
            }
        }
        else
        {
            if (field == "object")
            {
                ValidateReference(JsonFields.Obj(source, "describedObject"), path + ".describedObject", causes);
            }

            if (string.IsNullOrEmpty(JsonFields.Str(JsonFields.Obj(source, "metric"), "name")))
            {
                causes.Required(path + ".metric.name", "must specify a metric name");
            }
        }

        ValidateTarget(target, path + ".target", causes);
        var value = target["value"] is not null;
        var average = target["averageValue"] is not null;
        var utilization = target["averageUtilization"] is not null;
        switch (field)
        {
            case "resource" or "containerResource" when !utilization && !average:
                causes.Required(path + ".target.averageUtilization", "must set either a target raw value or a target utilization");
                break;
            case "resource" or "containerResource" when utilization && average:
                causes.Forbidden(path + ".target.averageValue", "may not set both a target raw value and a target utilization");
                break;
            case "pods" when !average:
                causes.Required(path + ".target.averageValue", "must specify a positive target averageValue");
                break;
            case "object" when !value && !average:
                causes.Required(path + ".target.value", "must set either a target value or averageValue");
                break;
            case "external" when !value && !average:
                causes.Required(path + ".target.value", "must set either a target value for metric or a per-pod target");
                break;
            case "external" when value && average:
                causes.Forbidden(path + ".target.value", "may not set both a target value for metric and a per-pod target");
                break;
        }
    }

    private static void ValidateTarget(JsonObject target, string path, Causes causes)
    {
        var type = JsonFields.Str(target, "type") ?? "";
        if (type.Length == 0)
        {
            causes.Required(path + ".type", "must specify a metric target type");
        }

        if (type is not ("Utilization" or "Value" or "AverageValue"))
        {
            causes.Invalid(path + ".type", type, "must be either Utilization, Value, or AverageValue");
        }

        foreach (var key in (ReadOnlySpan<string>)["value", "averageValue"])
        {
            if (target[key] is { } node && (!Quantity.TryRead(node, out var quantity, out _) || quantity.Sign != 1))
            {
                causes.Invalid(path + "." + key, node, "must be positive");
            }
        }

        if (JsonFields.Int(target, "averageUtilization") is < 1 and var utilization)
        {
            causes.Invalid(path + ".averageUtilization", utilization, "must be greater than 0");
        }
    }

    private static void ValidateRules(JsonObject? rules, string path, Causes causes)
    {
        if (rules is null)
        {
            return;
        }

        if (JsonFields.Int(rules, "stabilizationWindowSeconds") is { } window && (window < 0 || window > 3600))
        {
            causes.Invalid(path + ".stabilizationWindowSeconds", window, window < 0 ? "must be greater than or equal to zero" : "must be less than or equal to 3600");
        }

        causes.OptionalOneOf(rules, "selectPolicy", path + ".selectPolicy", "Disabled", "Max", "Min");
        var policies = JsonFields.Arr(rules, "policies");
        if (policies is not { Count: > 0 })
        {
            causes.Required(path + ".policies", "must specify at least one Policy");
            return;
        }

        foreach (var (i, policy) in JsonFields.Items(policies))
        {
            var at = JsonFields.Index(path + ".policies", i);
            causes.OneOf(policy, "type", at + ".type", "Percent", "Pods");
            if ((JsonFields.Int(policy, "value") ?? 0) <= 0)
            {
                causes.Invalid(at + ".value", JsonFields.Int(policy, "value") ?? 0, "must be greater than zero");
            }

            var period = JsonFields.Int(policy, "periodSeconds") ?? 0;
            if (period <= 0 || period > 1800)
            {
                causes.Invalid(at + ".periodSeconds", period, period <= 0 ? "must be greater than zero" : "must be less than or equal to 1800");
            }
        }
    }

    private static void DefaultRules(JsonObject behavior, string key, int window, Func<JsonNode[]> policies)
    {
        var rules = behavior[key] as JsonObject ?? [];
        behavior[key] = rules;
        JsonFields.Default(rules, "stabilizationWindowSeconds", window);
        JsonFields.DefaultString(rules, "selectPolicy", "Max");
        if (rules["policies"] is null)
        {
            rules["policies"] = new JsonArray(policies());
        }
    }

    private static JsonObject Policy(string type, int value) => new() { ["type"] = type, ["value"] = value, ["periodSeconds"] = 15 };
}

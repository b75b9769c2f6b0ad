using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// ReplicationControllers: an equality-based selector (defaulted from the template's labels) that the template's labels
/// satisfy, non-negative replicas (default 1); upstream SetDefaults_ReplicationController and ValidateReplicationControllerSpec.
/// </summary>
internal sealed class ReplicationControllerStrategy : ResourceStrategy
{
    public ReplicationControllerStrategy()
        : base(BuiltInKinds.ReplicationController)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.Default(spec, "replicas", 1);
        var templateLabels = JsonFields.Obj(JsonFields.Obj(JsonFields.Obj(spec, "template"), "metadata"), "labels");
        if (templateLabels is { Count: > 0 })
        {
            if (JsonFields.Obj(spec, "selector") is null or { Count: 0 })
            {
                spec["selector"] = templateLabels.DeepClone();
            }

            if (JsonFields.Obj(JsonFields.Obj(obj, "metadata"), "labels") is null or { Count: 0 })
            {
                ObjectMeta.Metadata(obj)["labels"] = templateLabels.DeepClone();
            }
        }

        if (spec["template"] is JsonObject)
        {
            PodDefaults.Template(spec);
        }
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["replicas"] = 0 };

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        causes.NonNegative(spec, "replicas", "spec.replicas");
        causes.NonNegative(spec, "minReadySeconds", "spec.minReadySeconds");
        var selector = JsonFields.Obj(spec, "selector");
        if (selector is null or { Count: 0 })
        {
            causes.Required("spec.selector");
        }
        else
        {
            LabelRules.ValidateLabels(selector, "spec.selector", causes);
        }

        if (spec["template"] is not JsonObject template)
        {
            causes.Required("spec.template");
            return;
        }

        var labels = JsonFields.Obj(JsonFields.Obj(template, "metadata"), "labels");
        if (selector is { Count: > 0 } && selector.Any(kv => JsonFields.Str(labels, kv.Key) != JsonFields.AsString(kv.Value)))
        {
            causes.Invalid("spec.template.metadata.labels", labels ?? (JsonNode)new JsonObject(), "`selector` does not match template `labels`");
        }

        PodSpecRules.ValidateTemplate(template, "spec.template", causes);
        if (JsonFields.Str(JsonFields.Obj(template, "spec"), "restartPolicy") is { } policy && policy != "Always")
        {
            causes.NotSupported("spec.template.spec.restartPolicy", policy, "Always");
        }
    }
}

/// <summary>PodTemplates: the template is a valid pod template (upstream ValidatePodTemplate).</summary>
internal sealed class PodTemplateStrategy : ResourceStrategy
{
    public PodTemplateStrategy()
        : base(BuiltInKinds.PodTemplate)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        if (obj["template"] is JsonObject)
        {
            PodDefaults.Template(obj);
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes) => PodSpecRules.ValidateTemplate(obj["template"], "template", causes);
}

/// <summary>LimitRanges: items of type Pod, Container or PersistentVolumeClaim whose min, default request, default and max are in order (upstream ValidateLimitRange).</summary>
internal sealed class LimitRangeStrategy : ResourceStrategy
{
    public LimitRangeStrategy()
        : base(BuiltInKinds.LimitRange)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        foreach (var (_, item) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(obj, "spec"), "limits")))
        {
            Admission.LimitRangeAdmission.DefaultItem(item);
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        foreach (var (i, item) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(obj, "spec"), "limits")))
        {
            var path = JsonFields.Index("spec.limits", i);
            causes.OneOf(item, "type", path + ".type", "Container", "PersistentVolumeClaim", "Pod");
            var min = JsonFields.Obj(item, "min");
            var max = JsonFields.Obj(item, "max");
            foreach (var (resource, value) in min ?? [])
            {
                if (Quantities(value, JsonFields.Obj(item, "max")?[resource]) is var (low, high) && low > high)
                {
                    causes.Invalid(path + ".min[" + resource + "]", JsonFields.AsString(value) ?? "", "min value " + JsonFields.AsString(value) + " is greater than max value " + JsonFields.Str(max, resource));
                }
            }

            foreach (var key in (ReadOnlySpan<string>)["default", "defaultRequest"])
            {
                foreach (var (resource, value) in JsonFields.Obj(item, key) ?? [])
                {
                    if (Quantities(JsonFields.Obj(item, "min")?[resource], value) is var (low, set) && low > set)
                    {
                        causes.Invalid(path + "." + key + "[" + resource + "]", JsonFields.AsString(value) ?? "", "min value " + JsonFields.Str(min, resource) + " is greater than " + key + " value " + JsonFields.AsString(value));
                    }

                    if (Quantities(value, JsonFields.Obj(item, "max")?[resource]) is var (set2, high) && set2 > high)
                    {
                        causes.Invalid(path + "." + key + "[" + resource + "]", JsonFields.AsString(value) ?? "", key + " value " + JsonFields.AsString(value) + " is greater than max value " + JsonFields.Str(max, resource));
                    }
                }
            }
        }
    }

    private static (Quantity Low, Quantity High)? Quantities(JsonNode? low, JsonNode? high) =>
        Quantity.TryParse(JsonFields.AsString(low), out var l) && Quantity.TryParse(JsonFields.AsString(high), out var h) ? (l, h) : null;
}

/// <summary>ControllerRevisions: a non-negative revision and data that never change (upstream ValidateControllerRevision).</summary>
internal sealed class ControllerRevisionStrategy : ResourceStrategy
{
    public ControllerRevisionStrategy()
        : base(BuiltInKinds.ControllerRevision)
    {
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        if (obj["data"] is null)
        {
            causes.Required("data");
        }

        causes.NonNegative(obj, "revision", "revision");
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) =>
        causes.ImmutableField("data", updated["data"], old["data"]);
}

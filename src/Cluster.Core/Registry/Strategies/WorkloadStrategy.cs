using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// What the apps/v1 workloads share (pkg/apis/apps/validation): a required non-empty selector
/// that must match the template's labels, a template whose pods restart Always, non-negative
/// counts, an immutable selector, and labels a status update may not change.
/// </summary>
internal abstract partial class WorkloadStrategy : ResourceStrategy
{
    private const string PercentMessage = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

    private readonly string _selectorNoun;

    /// <param name="selectorNoun">The word upstream's "empty selector is invalid for ..." message uses.</param>
    protected WorkloadStrategy(ResourceKind kind, string selectorNoun)
        : base(kind)
    {
        _selectorNoun = selectorNoun;
    }

    protected override void KeepMetadataOnStatusUpdate(JsonObject updated, JsonObject old) => CopyFrom(old, updated, "labels");

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        causes.NonNegative(spec, "replicas", "spec.replicas");
        causes.NonNegative(spec, "minReadySeconds", "spec.minReadySeconds");
        causes.NonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit");
        ValidateSelectorAndTemplate(spec, causes);
        ValidateSpec(spec, causes);
    }

    /// <summary>Volumes the controller adds to each pod beyond the template's (a StatefulSet's claims).</summary>
    protected virtual IEnumerable<string> ClaimVolumes(JsonObject spec) => [];

    /// <summary>Kind-specific spec rules (strategies, policies).</summary>
    protected abstract void ValidateSpec(JsonObject spec, Causes causes);

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) =>
        causes.ImmutableField("spec.selector", JsonFields.Obj(updated, "spec")?["selector"], JsonFields.Obj(old, "spec")?["selector"]);

    /// <summary>ValidatePositiveIntOrPercent: a non-negative integer or a "N%" string.</summary>
    internal static void ValidateIntOrPercent(JsonObject? parent, string key, string path, Causes causes)
    {
        var value = parent?[key];
        switch (value)
        {
            case null:
                return;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (!PercentRegex().IsMatch(v.GetValue<string>()))
                {
                    causes.Invalid(path, value, PercentMessage);
                }

                break;
            case JsonValue when JsonFields.AsLong(value) is { } number:
                if (number < 0)
                {
                    causes.Invalid(path, number, "must be greater than or equal to 0");
                }

                break;
            default:
                causes.Invalid(path, value, "must be an integer or percentage (e.g '5%')");
                break;
        }
    }

    /// <summary>IsNotMoreThan100Percent.</summary>
    internal static void ValidateAtMost100Percent(JsonObject? parent, string key, string path, Causes causes)
    {
        if (JsonFields.Str(parent, key) is { } text && PercentRegex().IsMatch(text) && IntOrPercentValue(parent, key) > 100)
        {
            causes.Invalid(path, text, "must not be greater than 100%");
        }
    }

    /// <summary>The number of an int-or-percent ("25%" reads 25), 0 when absent or malformed (upstream getIntOrPercentValue).</summary>
    protected static long IntOrPercentValue(JsonObject? parent, string key) =>
        JsonFields.Str(parent, key) is { } text
            ? long.TryParse(text.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) ? percent : 0
            : JsonFields.Int(parent, key) ?? 0;

    private void ValidateSelectorAndTemplate(JsonObject spec, Causes causes)
    {
        var selector = spec["selector"];
        if (selector is null)
        {
            causes.Required("spec.selector");
        }
        else
        {
            LabelSelectors.Validate(selector, "spec.selector", causes);
            if (LabelSelectors.IsEmpty(selector as JsonObject))
            {
                causes.Invalid("spec.selector", selector, "empty selector is invalid for " + _selectorNoun);
            }
        }

        var template = spec["template"];
        PodSpecRules.ValidateTemplate(template, "spec.template", causes, ClaimVolumes(spec));
        var labels = JsonFields.Obj(JsonFields.Obj(template, "metadata"), "labels");
        if (selector is JsonObject s && !LabelSelectors.IsEmpty(s) && !LabelSelectors.Matches(s, ObjectMeta.StringMap(labels)))
        {
            causes.Invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`");
        }

        var podSpec = JsonFields.Obj(template, "spec");
        if (JsonFields.Str(podSpec, "restartPolicy") is { } restart && restart != "Always")
        {
            causes.NotSupported("spec.template.spec.restartPolicy", restart, "Always");
        }

        if (podSpec?["activeDeadlineSeconds"] is { } deadline)
        {
            causes.Invalid("spec.template.spec.activeDeadlineSeconds", deadline, $"activeDeadlineSeconds in {Kind.Kind} is not Supported");
        }
    }

    [GeneratedRegex(@"^[0-9]+%\z", RegexOptions.CultureInvariant)]
    private static partial Regex PercentRegex();
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Jobs (batch/v1 SetDefaults_Job, pkg/registry/batch/job/strategy.go). Unless
/// <c>manualSelector</c> is true, a create labels the template with the job's name and uid
/// (<c>batch.kubernetes.io/controller-uid</c> and the legacy <c>controller-uid</c>) and selects on
/// the uid, so only this job's pods match. That needs <c>metadata.uid</c>: the store must assign
/// it before <see cref="IResourceStrategy.PrepareForCreate"/>; without one no selector is generated
/// and a job without its own selector fails with <c>spec.selector: Required value</c>.
/// </summary>
internal sealed class JobStrategy : ResourceStrategy
{
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string LegacyControllerUidLabel = "controller-uid";
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string LegacyJobNameLabel = "job-name";

    public JobStrategy()
        : base(BuiltInKinds.Job)
    {
        Selectable("status.successful", job => (JsonFields.Int(JsonFields.Obj(job, "status"), "succeeded") ?? 0).ToString(CultureInfo.InvariantCulture));
    }

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        if (JsonFields.Bool(obj["spec"], "manualSelector") != true && ObjectMeta.Uid(obj) is { Length: > 0 } uid)
        {
            GenerateSelector(obj, uid);
        }
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        if (JsonFields.Missing(spec, "completions") && JsonFields.Missing(spec, "parallelism"))
        {
            spec["completions"] = 1;
        }

        JsonFields.Default(spec, "parallelism", 1);
        JsonFields.Default(spec, "backoffLimit", JsonFields.Missing(spec, "backoffLimitPerIndex") ? 6 : int.MaxValue);
        var templateLabels = JsonFields.Obj(JsonFields.Obj(JsonFields.Obj(spec, "template"), "metadata"), "labels");
        if (templateLabels is not null && ObjectMeta.Labels(obj).Count == 0)
        {
            ObjectMeta.Metadata(obj)["labels"] = templateLabels.DeepClone();
        }

        JsonFields.DefaultString(spec, "completionMode", "NonIndexed");
        JsonFields.Default(spec, "suspend", false);
        JsonFields.DefaultString(spec, "podReplacementPolicy", JsonFields.Missing(spec, "podFailurePolicy") ? "TerminatingOrFailed" : "Failed");
        PodDefaults.Template(spec);
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        var selector = spec["selector"];
        if (selector is null)
        {
            causes.Required("spec.selector");
        }
        else
        {
            LabelSelectors.Validate(selector, "spec.selector", causes);
        }

        JobSpecRules.Validate(spec, "spec", causes);
    }

    protected override void ValidateCreate(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec");
        if (JsonFields.Bool(spec, "manualSelector") == true || ObjectMeta.Uid(obj) is not { Length: > 0 } uid || spec?["selector"] is not JsonObject selector)
        {
            return;
        }

        if (JsonFields.Str(JsonFields.Obj(selector, "matchLabels"), ControllerUidLabel) != uid)
        {
            causes.Invalid("spec.selector", selector, "`selector` not auto-generated");
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        var spec = JsonFields.Obj(updated, "spec") ?? [];
        var oldSpec = JsonFields.Obj(old, "spec") ?? [];
        foreach (var field in new[] { "selector", "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy" })
        {
            causes.ImmutableField("spec." + field, spec[field], oldSpec[field]);
        }

        // Indexed jobs may scale completions together with parallelism (elastic indexed jobs).
        var elastic = JsonFields.Str(spec, "completionMode") == "Indexed" && JsonFields.Int(spec, "completions") == JsonFields.Int(spec, "parallelism");
        if (!elastic)
        {
            causes.ImmutableField("spec.completions", spec["completions"], oldSpec["completions"]);
        }

        var template = spec["template"]?.DeepClone() as JsonObject;
        var oldTemplate = oldSpec["template"]?.DeepClone() as JsonObject;
        if (template is not null && oldTemplate is not null && MaySchedule(old))
        {
            // A suspended job that never started may retarget its pods: scheduling directives are mutable.
            foreach (var (owner, key) in new[] { ("metadata", "labels"), ("metadata", "annotations"), ("spec", "nodeSelector"), ("spec", "tolerations"), ("spec", "schedulingGates"), ("spec", "affinity") })
            {
                CopyFrom(JsonFields.Obj(template, owner) ?? [], JsonFields.Ensure(oldTemplate, owner), key);
            }
        }

        causes.ImmutableField("spec.template", template, oldTemplate);
    }

    private static bool MaySchedule(JsonObject old) =>
        JsonFields.Bool(old["spec"], "suspend") == true && JsonFields.Str(JsonFields.Obj(old, "status"), "startTime") is null;

    /// <summary>upstream generateSelector: name and uid labels on the template, and a selector on the uid.</summary>
    private static void GenerateSelector(JsonObject job, string uid)
    {
        var spec = JsonFields.Ensure(job, "spec");
        var labels = JsonFields.Ensure(JsonFields.Ensure(JsonFields.Ensure(spec, "template"), "metadata"), "labels");
        var name = ObjectMeta.Name(job);
        foreach (var (key, value) in new[] { (LegacyJobNameLabel, name), (JobNameLabel, name), (LegacyControllerUidLabel, uid), (ControllerUidLabel, uid) })
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = value;
            }
        }

        var matchLabels = JsonFields.Ensure(JsonFields.Ensure(spec, "selector"), "matchLabels");
        if (!matchLabels.ContainsKey(ControllerUidLabel))
        {
            matchLabels[ControllerUidLabel] = uid;
        }
    }
}

/// <summary>validateJobSpec: what a Job and a CronJob's job template share.</summary>
internal static class JobSpecRules
{
    public static void Validate(JsonObject spec, string path, Causes causes)
    {
        foreach (var field in new[] { "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished" })
        {
            causes.NonNegative(spec, field, path + "." + field);
        }

        causes.OptionalOneOf(spec, "completionMode", path + ".completionMode", "NonIndexed", "Indexed");
        if (JsonFields.Str(spec, "completionMode") == "Indexed" && JsonFields.Missing(spec, "completions"))
        {
            causes.Required(path + ".completions", "when completion mode is Indexed");
        }

        var template = spec["template"];
        PodSpecRules.ValidateTemplate(template, path + ".template", causes);
        if (JsonFields.Str(JsonFields.Obj(template, "spec"), "restartPolicy") is { } restart && restart is not ("OnFailure" or "Never"))
        {
            causes.NotSupported(path + ".template.spec.restartPolicy", restart, "OnFailure", "Never");
        }

        PodFailurePolicyRules.Validate(spec, path, causes);

        var labels = JsonFields.Obj(JsonFields.Obj(template, "metadata"), "labels");
        if (spec["selector"] is JsonObject selector && !LabelSelectors.Matches(selector, ObjectMeta.StringMap(labels)))
        {
            causes.Invalid(path + ".template.metadata.labels", labels, "`selector` does not match template `labels`");
        }
    }
}

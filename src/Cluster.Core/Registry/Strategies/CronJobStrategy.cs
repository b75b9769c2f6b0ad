using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>CronJobs (batch/v1 SetDefaults_CronJob, ValidateCronJobCreate/Update).</summary>
internal sealed class CronJobStrategy : ResourceStrategy
{
    /// <summary>Job names add an 11-character suffix to the CronJob's name and must stay a 63-character label.</summary>
    public const int MaxNameLength = 52;

    public CronJobStrategy()
        : base(BuiltInKinds.CronJob)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.DefaultString(spec, "concurrencyPolicy", "Allow");
        JsonFields.Default(spec, "suspend", false);
        JsonFields.Default(spec, "successfulJobsHistoryLimit", 3);
        JsonFields.Default(spec, "failedJobsHistoryLimit", 1);
        PodDefaults.Template(JsonFields.Ensure(JsonFields.Ensure(spec, "jobTemplate"), "spec"));
    }

    protected override void ValidateCreate(JsonObject obj, Causes causes)
    {
        // Only on create, so cronjobs created before the limit existed can still be updated.
        if (ObjectMeta.Name(obj) is { Length: > MaxNameLength } name)
        {
            causes.Invalid("metadata.name", name, $"must be no more than {MaxNameLength} characters");
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        var timeZone = spec["timeZone"];
        ValidateSchedule(JsonFields.Str(spec, "schedule") ?? "", timeZone is not null, causes);
        ValidateTimeZone(timeZone, causes);
        causes.OneOf(spec, "concurrencyPolicy", "spec.concurrencyPolicy", "Allow", "Forbid", "Replace");
        causes.NonNegative(spec, "startingDeadlineSeconds", "spec.startingDeadlineSeconds");
        causes.NonNegative(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit");
        causes.NonNegative(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit");

        const string path = "spec.jobTemplate.spec";
        var jobSpec = JsonFields.Obj(JsonFields.Obj(spec, "jobTemplate"), "spec") ?? [];
        JobSpecRules.Validate(jobSpec, path, causes);
        if (jobSpec["selector"] is { } selector)
        {
            causes.Invalid(path + ".selector", selector, "`selector` will be auto-generated");
        }

        if (JsonFields.Bool(jobSpec, "manualSelector") == true)
        {
            causes.NotSupported(path + ".manualSelector", "true", "nil", "false");
        }
    }

    private static void ValidateSchedule(string schedule, bool hasTimeZone, Causes causes)
    {
        const string path = "spec.schedule";
        if (schedule.Length == 0)
        {
            causes.Required(path);
            return;
        }

        if (!CronSchedule.TryParse(schedule, out _, out var error))
        {
            causes.Invalid(path, schedule, error);
        }

        if (schedule.Contains("TZ", StringComparison.Ordinal))
        {
            causes.Invalid(path, schedule, hasTimeZone
                ? "cannot use both timeZone field and TZ or CRON_TZ in schedule"
                : "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        }
    }

    private static void ValidateTimeZone(JsonNode? timeZone, Causes causes)
    {
        const string path = "spec.timeZone";
        if (timeZone is null)
        {
            return;
        }

        var name = JsonFields.AsString(timeZone) ?? "";
        if (name.Length == 0)
        {
            causes.Invalid(path, timeZone, "timeZone must be nil or non-empty string");
        }
        else if (string.Equals(name, "Local", StringComparison.OrdinalIgnoreCase))
        {
            causes.Invalid(path, name, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out _))
        {
            causes.Invalid(path, name, "unknown time zone " + name);
        }
    }
}

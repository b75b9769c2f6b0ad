using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class BatchStrategySpec
{
    private static readonly IResourceStrategy Jobs = StrategyCatalog.For(BuiltInKinds.Job);
    private static readonly IResourceStrategy CronJobs = StrategyCatalog.For(BuiltInKinds.CronJob);

    private static JsonObject Job(string spec = "", string uid = "uid-1") =>
        Json("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","namespace":"default","uid":"@UID"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"pi","image":"perl:5"}]}}@SPEC}}""".Replace("@UID", uid, StringComparison.Ordinal).Replace("@SPEC", spec, StringComparison.Ordinal));

    private static JsonObject CronJob(string schedule = "*/5 * * * *", string name = "nightly", string extra = "") =>
        Json("""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"@NAME","namespace":"default"},"spec":{"schedule":"@SCHEDULE"@EXTRA,"jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}}""".Replace("@NAME", name, StringComparison.Ordinal).Replace("@SCHEDULE", schedule, StringComparison.Ordinal).Replace("@EXTRA", extra, StringComparison.Ordinal));

    [Fact]
    public void PrepareForCreate_Job_FillsDefaults()
    {
        var job = Job();
        Jobs.PrepareForCreate(job);
        Assert.Equal("1", Str(job, "spec.completions"));
        Assert.Equal("1", Str(job, "spec.parallelism"));
        Assert.Equal("6", Str(job, "spec.backoffLimit"));
        Assert.Equal("NonIndexed", Str(job, "spec.completionMode"));
        Assert.Equal("False", Str(job, "spec.suspend"));
        Assert.Equal("{}", job["status"]!.ToJsonString());
    }

    [Fact]
    public void PrepareForCreate_ParallelismOnly_LeavesCompletionsUnset()
    {
        var job = Job(""","parallelism":3""");
        Jobs.PrepareForCreate(job);
        Assert.Null(At(job, "spec.completions"));
        Assert.Equal("3", Str(job, "spec.parallelism"));
    }

    [Fact]
    public void PrepareForCreate_JobWithUid_GeneratesControllerUidSelector()
    {
        var job = Job();
        Jobs.PrepareForCreate(job);
        Assert.Equal("""{"batch.kubernetes.io/controller-uid":"uid-1"}""", job["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
        var labels = job["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.Equal("uid-1", labels[JobStrategy.ControllerUidLabel]!.GetValue<string>());
        Assert.Equal("uid-1", labels[JobStrategy.LegacyControllerUidLabel]!.GetValue<string>());
        Assert.Equal("pi", labels[JobStrategy.JobNameLabel]!.GetValue<string>());
        Assert.Equal("pi", labels[JobStrategy.LegacyJobNameLabel]!.GetValue<string>());
        NoCauses(Jobs.Validate(job));
    }

    [Fact]
    public void Validate_JobWithoutUidOrSelector_RequiresSelector()
    {
        var job = Json("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","namespace":"default"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"pi","image":"perl:5"}]}}}}""");
        Jobs.PrepareForCreate(job);
        HasCause(Jobs.Validate(job), "spec.selector", "Required value");
    }

    [Fact]
    public void Validate_ManualSelectorNotMatching_IsInvalid()
    {
        var job = Job(""","manualSelector":true,"selector":{"matchLabels":{"app":"x"}}""");
        Jobs.PrepareForCreate(job);
        Assert.Null(At(job, "spec.template.metadata"));
        HasCause(Jobs.Validate(job), "spec.template.metadata.labels", "`selector` does not match template `labels`");
    }

    [Fact]
    public void Validate_JobRestartAlways_IsNotSupported()
    {
        var job = Job();
        job["spec"]!["template"]!["spec"]!["restartPolicy"] = "Always";
        Jobs.PrepareForCreate(job);
        HasCause(Jobs.Validate(job), "spec.template.spec.restartPolicy", "supported values: \"OnFailure\", \"Never\"");
    }

    [Fact]
    public void ValidateUpdate_ChangedTemplate_IsImmutable()
    {
        var old = Job();
        Jobs.PrepareForCreate(old);
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "perl:6";
        Jobs.PrepareForUpdate(updated, old);
        HasCause(Jobs.ValidateUpdate(updated, old), "spec.template", "field is immutable");
    }

    [Fact]
    public void ValidateUpdate_SuspendedJobNodeSelector_IsAllowed()
    {
        var old = Job(""","suspend":true""");
        Jobs.PrepareForCreate(old);
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["template"]!["spec"]!["nodeSelector"] = Json("""{"zone":"a"}""");
        Jobs.PrepareForUpdate(updated, old);
        NoCauses(Jobs.ValidateUpdate(updated, old));
    }

    [Fact]
    public void ValidateUpdate_ChangedCompletions_IsImmutable()
    {
        var old = Job();
        Jobs.PrepareForCreate(old);
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["completions"] = 5;
        HasCause(Jobs.ValidateUpdate(updated, old), "spec.completions", "field is immutable");
    }

    [Fact]
    public void PrepareForCreate_CronJob_FillsDefaults()
    {
        var cj = CronJob();
        CronJobs.PrepareForCreate(cj);
        Assert.Equal("Allow", Str(cj, "spec.concurrencyPolicy"));
        Assert.Equal("False", Str(cj, "spec.suspend"));
        Assert.Equal("3", Str(cj, "spec.successfulJobsHistoryLimit"));
        Assert.Equal("1", Str(cj, "spec.failedJobsHistoryLimit"));
        Assert.Equal("ClusterFirst", Str(cj, "spec.jobTemplate.spec.template.spec.dnsPolicy"));
        Assert.Null(At(cj, "spec.jobTemplate.spec.backoffLimit"));
        NoCauses(CronJobs.Validate(cj));
    }

    [Theory]
    [InlineData("61 * * * *", "end of range (61) above maximum (59): 61")]
    [InlineData("* * *", "expected exactly 5 fields, found 3: [* * *]")]
    public void Validate_BadSchedule_IsInvalid(string schedule, string message)
    {
        var cj = CronJob(schedule);
        CronJobs.PrepareForCreate(cj);
        HasCause(CronJobs.Validate(cj), "spec.schedule", $"Invalid value: \"{schedule}\": {message}");
    }

    [Fact]
    public void Validate_EmptySchedule_IsRequired()
    {
        var cj = CronJob("");
        CronJobs.PrepareForCreate(cj);
        HasCause(CronJobs.Validate(cj), "spec.schedule", "Required value");
    }

    [Fact]
    public void Validate_TzInSchedule_IsInvalid()
    {
        var cj = CronJob("TZ=UTC 0 * * * *");
        CronJobs.PrepareForCreate(cj);
        HasCause(CronJobs.Validate(cj), "spec.schedule", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    }

    [Fact]
    public void Validate_UnknownTimeZone_IsInvalid()
    {
        var cj = CronJob(extra: ""","timeZone":"Mars/Olympus" """);
        CronJobs.PrepareForCreate(cj);
        HasCause(CronJobs.Validate(cj), "spec.timeZone", "unknown time zone Mars/Olympus");
    }

    [Fact]
    public void Validate_LongCronJobName_IsInvalidOnCreateOnly()
    {
        var cj = CronJob(name: new string('a', 53));
        CronJobs.PrepareForCreate(cj);
        HasCause(CronJobs.Validate(cj), "metadata.name", "must be no more than 52 characters");
        NoCauses(CronJobs.ValidateUpdate(cj, cj));
    }

    [Fact]
    public void Validate_CronJobTemplateWithSelector_IsInvalid()
    {
        var cj = CronJob();
        cj["spec"]!["jobTemplate"]!["spec"]!["selector"] = Json("""{"matchLabels":{"a":"b"}}""");
        CronJobs.PrepareForCreate(cj);
        HasCause(CronJobs.Validate(cj), "spec.jobTemplate.spec.selector", "`selector` will be auto-generated");
    }
}

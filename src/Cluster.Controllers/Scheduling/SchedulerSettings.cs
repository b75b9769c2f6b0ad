using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Controllers.Scheduling;

/// <summary>The <c>scheduler</c> section: whether this cluster schedules pods and how many bindings it writes at once.</summary>
public sealed record SchedulerSettings
{
    public const string SectionName = "scheduler";

    /// <summary>scheduler.enabled: off leaves pods to another scheduler (or to clients that set spec.nodeName).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>scheduler.parallel-bindings: bindings in flight at once; cycles go on while they are written.</summary>
    public int ParallelBindings { get; init; } = 256;

    public static SchedulerSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = new SchedulerSettings();
        var settings = new SchedulerSettings
        {
            Enabled = SettingsReader.Bool(section, "enabled", d.Enabled),
            ParallelBindings = SettingsReader.Int(section, "parallel-bindings", d.ParallelBindings),
        };
        SettingsException.Require(settings.ParallelBindings >= 1, "scheduler.parallel-bindings", settings.ParallelBindings, "must be at least 1");
        return settings;
    }
}

using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Persistence;

/// <summary>The persistence module's settings (configuration section <c>persistence</c>).</summary>
public sealed record PersistenceSettings
{
    public const string SectionName = "persistence";

    /// <summary>persistence.max-concurrent-recoveries: persistent actors recovering at once (Akka's default 50).</summary>
    public int MaxConcurrentRecoveries { get; init; } = 50;

    /// <summary>persistence.journal.max-batch-size: atomic writes committed in one transaction at most (group commit).</summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>persistence.snapshot-every: save a snapshot every N events when the actor offers its state; 0 = never.</summary>
    public int SnapshotEvery { get; init; }

    public static PersistenceSettings Default { get; } = new();

    public static PersistenceSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = Default;
        var settings = new PersistenceSettings
        {
            MaxConcurrentRecoveries = SettingsReader.Int(section, "max-concurrent-recoveries", defaults.MaxConcurrentRecoveries),
            MaxBatchSize = SettingsReader.Int(section, "journal:max-batch-size", defaults.MaxBatchSize),
            SnapshotEvery = SettingsReader.Int(section, "snapshot-every", defaults.SnapshotEvery),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(MaxConcurrentRecoveries >= 1, "persistence.max-concurrent-recoveries", MaxConcurrentRecoveries, "must be at least 1");
        SettingsException.Require(MaxBatchSize >= 1, "persistence.journal.max-batch-size", MaxBatchSize, "must be at least 1");
        SettingsException.Require(SnapshotEvery >= 0, "persistence.snapshot-every", SnapshotEvery, "must not be negative (0 turns it off)");
    }
}

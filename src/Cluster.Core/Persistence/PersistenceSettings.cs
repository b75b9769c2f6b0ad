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

    /// <summary>persistence.compaction.history-window: history kept for watchers to resume from before compaction may remove it.</summary>
    public TimeSpan CompactionHistoryWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>persistence.compaction.interval: how often background compaction runs.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(1);

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
            CompactionHistoryWindow = SettingsReader.Duration(section, "compaction:history-window", defaults.CompactionHistoryWindow),
            CompactionInterval = SettingsReader.Duration(section, "compaction:interval", defaults.CompactionInterval),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(MaxConcurrentRecoveries >= 1, "persistence.max-concurrent-recoveries", MaxConcurrentRecoveries, "must be at least 1");
        SettingsException.Require(MaxBatchSize >= 1, "persistence.journal.max-batch-size", MaxBatchSize, "must be at least 1");
        SettingsException.Require(SnapshotEvery >= 0, "persistence.snapshot-every", SnapshotEvery, "must not be negative (0 turns it off)");
        SettingsException.Require(CompactionHistoryWindow >= TimeSpan.Zero, "persistence.compaction.history-window", CompactionHistoryWindow, "must not be negative");
        SettingsException.Require(CompactionInterval > TimeSpan.Zero, "persistence.compaction.interval", CompactionInterval, "must be positive");
    }
}

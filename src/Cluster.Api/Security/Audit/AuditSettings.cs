using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Api.Security.Audit;

/// <summary>
/// The API audit log (configuration section <c>api.audit</c>): audit.k8s.io/v1 Events as JSON lines in a size-rotated
/// file, by default DATA-DIR/audit.log at level Metadata for every request.
/// </summary>
public sealed record AuditSettings
{
    /// <summary>api.audit.enabled: write the audit log at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>api.audit.log-path: the log file; empty: audit.log in the node's data directory.</summary>
    public string LogPath { get; init; } = "";

    /// <summary>api.audit.policy-file: an audit.k8s.io/v1 Policy (YAML); empty: every request at Metadata.</summary>
    public string PolicyFile { get; init; } = "";

    /// <summary>api.audit.max-size: the file is rotated when the next event would take it past this many bytes.</summary>
    public long MaxSize { get; init; } = 100L * 1024 * 1024;

    /// <summary>api.audit.max-backups: rotated files kept (LOG.1 the newest); older ones are deleted.</summary>
    public int MaxBackups { get; init; } = 10;

    /// <summary>api.audit.buffer-size: events waiting for the writer; beyond it events are dropped and counted, never waited for.</summary>
    public int BufferSize { get; init; } = 10000;

    public static AuditSettings Default { get; } = new();

    /// <summary>The settings with <see cref="LogPath"/> resolved against <paramref name="dataDirectory"/> when empty.</summary>
    public AuditSettings InDataDirectory(string dataDirectory) =>
        LogPath.Length > 0 ? this : this with { LogPath = Path.Combine(dataDirectory, "audit.log") };

    public static AuditSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(ApiServerSettings.SectionName + ":audit");
        var d = Default;
        var size = section["max-size"];
        var settings = new AuditSettings
        {
            Enabled = SettingsReader.Bool(section, "enabled", d.Enabled),
            LogPath = SettingsReader.String(section, "log-path", d.LogPath),
            PolicyFile = SettingsReader.String(section, "policy-file", d.PolicyFile),
            MaxSize = size is null ? d.MaxSize
                : ConfigValueParsers.TryParseSize(size, out var bytes) ? bytes
                : throw SettingsException.Invalid("api.audit.max-size", size, "expected a size such as 100MiB or 104857600"),
            MaxBackups = SettingsReader.Int(section, "max-backups", d.MaxBackups),
            BufferSize = SettingsReader.Int(section, "buffer-size", d.BufferSize),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(MaxSize >= 4096, "api.audit.max-size", MaxSize, "must be at least 4KiB");
        SettingsException.Require(MaxBackups >= 0, "api.audit.max-backups", MaxBackups, "must not be negative");
        SettingsException.Require(BufferSize >= 1, "api.audit.buffer-size", BufferSize, "must be at least 1");
        SettingsException.Require(PolicyFile.Length == 0 || File.Exists(PolicyFile), "api.audit.policy-file", PolicyFile, "must name an existing file");
    }
}

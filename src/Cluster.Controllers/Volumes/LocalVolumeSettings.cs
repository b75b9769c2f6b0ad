using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Controllers.Volumes;

/// <summary>The <c>controllers.local-volumes</c> section: the built-in local provisioner's directory and StorageClass.</summary>
public sealed record LocalVolumeSettings
{
    public const string SectionName = "controllers:local-volumes";

    /// <summary>controllers.local-volumes.base-dir: provisioned volumes are directories &lt;base-dir&gt;/&lt;volume name&gt;.</summary>
    public string BaseDirectory { get; init; } = Path.GetFullPath(Path.Combine("data", "volumes"));

    /// <summary>controllers.local-volumes.storage-class: the StorageClass the provisioner makes sure exists ("": none).</summary>
    public string StorageClass { get; init; } = "local-path";

    /// <summary>controllers.local-volumes.default-class: whether that class is made the default (for claims that name none).</summary>
    public bool DefaultClass { get; init; } = true;

    public static LocalVolumeSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = new LocalVolumeSettings();
        var configured = SettingsReader.String(section, "base-dir", "");
        var dataDirectory = SettingsReader.String(configuration.GetSection("node"), "data-dir", "data");
        var settings = new LocalVolumeSettings
        {
            // Relative to the working directory, as node.data-dir; empty: under the node's data directory.
            BaseDirectory = Path.GetFullPath(configured.Length > 0 ? configured : Path.Combine(dataDirectory, "volumes")),
            StorageClass = SettingsReader.String(section, "storage-class", d.StorageClass),
            DefaultClass = SettingsReader.Bool(section, "default-class", d.DefaultClass),
        };
        SettingsException.Require(
            settings.StorageClass.Length == 0 || System.Text.RegularExpressions.Regex.IsMatch(settings.StorageClass, "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"),
            "controllers.local-volumes.storage-class", settings.StorageClass, "must be empty or a DNS subdomain name");
        return settings;
    }
}

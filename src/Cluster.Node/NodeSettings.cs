using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node;

/// <summary>The node host's settings (configuration section <c>node</c>).</summary>
public sealed partial record NodeSettings
{
    public const string SectionName = "node";

    /// <summary>node.name: this host's node name; defaults to the machine's host name.</summary>
    public string Name { get; init; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>node.actor-system-name: the actor system's name (the same on every node of one cluster).</summary>
    public string ActorSystemName { get; init; } = "cluster";

    /// <summary>node.sample-workload: run a short actor workload at start-up and log its result.</summary>
    public bool SampleWorkload { get; init; }

    /// <summary>node.data-dir (flag --data-dir): the journal and admin.kubeconfig live here.</summary>
    public string DataDirectory { get; init; } = "data";

    public static NodeSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = new NodeSettings();
        var settings = new NodeSettings
        {
            Name = SettingsReader.String(section, "name", string.Empty) is { Length: > 0 } name ? name : defaults.Name,
            ActorSystemName = SettingsReader.String(section, "actor-system-name", defaults.ActorSystemName),
            SampleWorkload = SettingsReader.Bool(section, "sample-workload", defaults.SampleWorkload),
            DataDirectory = SettingsReader.String(section, "data-dir", defaults.DataDirectory),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(!string.IsNullOrWhiteSpace(Name), "node.name", Name, "must not be empty");
        SettingsException.Require(!string.IsNullOrWhiteSpace(DataDirectory), "node.data-dir", DataDirectory, "must not be empty");
        SettingsException.Require(
            ActorSystemNamePattern().IsMatch(ActorSystemName),
            "node.actor-system-name",
            ActorSystemName,
            "must start with an ASCII letter or digit and use only letters, digits, '-' and '_' (Akka's rule for system names)");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_-]*$")]
    private static partial System.Text.RegularExpressions.Regex ActorSystemNamePattern();
}

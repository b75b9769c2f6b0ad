using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node.Agent;

/// <summary>Which container runtime the node agent uses.</summary>
public enum RuntimeChoice
{
    /// <summary>Docker when its socket answers, otherwise no pods (said clearly at start-up).</summary>
    Auto,

    Docker,

    /// <summary>The node registers and heartbeats but runs no pods.</summary>
    None,

    /// <summary>Containers that do not exist but go through the same states (<see cref="Runtime.SimulatedRuntime"/>), for tests and scale.</summary>
    Simulated,
}

/// <summary>The node agent's settings (configuration section <c>agent</c>).</summary>
public sealed record AgentSettings
{
    public const string SectionName = "agent";

    public RuntimeChoice Runtime { get; init; } = RuntimeChoice.Auto;

    public string DockerEndpoint { get; init; } = "unix:///var/run/docker.sock";

    public string InfraImage { get; init; } = "local/pause:1";

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan BackoffReset { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many simulated nodes this process hosts (runtime simulated).</summary>
    public int SimulatedNodes { get; init; } = 1;

    /// <summary>How long a simulated sandbox or container takes to start.</summary>
    public TimeSpan SimulatedStartDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public static AgentSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = new AgentSettings();
        var runtime = SettingsReader.String(section, "runtime", "auto");
        var settings = new AgentSettings
        {
            Runtime = runtime switch
            {
                "auto" => RuntimeChoice.Auto,
                "docker" => RuntimeChoice.Docker,
                "none" => RuntimeChoice.None,
                "simulated" => RuntimeChoice.Simulated,
                _ => throw SettingsException.Invalid("agent.runtime", runtime, "must be auto, docker, simulated or none"),
            },
            DockerEndpoint = SettingsReader.String(section, "docker-endpoint", d.DockerEndpoint),
            InfraImage = SettingsReader.String(section, "infra-image", d.InfraImage),
            HeartbeatInterval = SettingsReader.Duration(section, "heartbeat-interval", d.HeartbeatInterval),
            SyncPeriod = SettingsReader.Duration(section, "sync-period", d.SyncPeriod),
            BackoffInitial = SettingsReader.Duration(section, "backoff-initial", d.BackoffInitial),
            BackoffMax = SettingsReader.Duration(section, "backoff-max", d.BackoffMax),
            BackoffReset = SettingsReader.Duration(section, "backoff-reset", d.BackoffReset),
            MetricsInterval = SettingsReader.Duration(section, "metrics-interval", d.MetricsInterval),
            SimulatedNodes = SettingsReader.Int(section, "simulated-nodes", d.SimulatedNodes),
            SimulatedStartDelay = SettingsReader.Duration(section, "simulated-start-delay", d.SimulatedStartDelay),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(Uri.TryCreate(DockerEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "unix" or "tcp", "agent.docker-endpoint", DockerEndpoint, "must be a unix:// or tcp:// URI");
        SettingsException.Require(InfraImage.Length > 0, "agent.infra-image", InfraImage, "must not be empty");
        SettingsException.Require(HeartbeatInterval > TimeSpan.Zero, "agent.heartbeat-interval", HeartbeatInterval, "must be positive");
        SettingsException.Require(SyncPeriod > TimeSpan.Zero, "agent.sync-period", SyncPeriod, "must be positive");
        SettingsException.Require(BackoffInitial > TimeSpan.Zero, "agent.backoff-initial", BackoffInitial, "must be positive");
        SettingsException.Require(BackoffMax >= BackoffInitial, "agent.backoff-max", BackoffMax, "must be at least agent.backoff-initial");
        SettingsException.Require(BackoffReset > TimeSpan.Zero, "agent.backoff-reset", BackoffReset, "must be positive");
        SettingsException.Require(MetricsInterval >= TimeSpan.FromSeconds(1), "agent.metrics-interval", MetricsInterval, "must be at least 1s");
        SettingsException.Require(SimulatedNodes >= 1, "agent.simulated-nodes", SimulatedNodes, "must be at least 1");
        SettingsException.Require(SimulatedStartDelay >= TimeSpan.Zero, "agent.simulated-start-delay", SimulatedStartDelay, "must not be negative");
    }
}

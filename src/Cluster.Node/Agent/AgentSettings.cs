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

    /// <summary>The cluster domain pods' search paths end in: dns.cluster-domain, set by the node (not a key of this section).</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

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

    /// <summary>How often unused images are garbage collected.</summary>
    public TimeSpan ImageGcPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Image disk use (percent of the image filesystem) at which image GC starts.</summary>
    public int ImageGcHighThresholdPercent { get; init; } = 85;

    /// <summary>Image disk use that image GC frees down to.</summary>
    public int ImageGcLowThresholdPercent { get; init; } = 80;

    /// <summary>An image first seen this recently is never collected (a pod may be about to use it).</summary>
    public TimeSpan ImageMinimumGcAge { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>An image unused this long is collected whatever the disk use; zero turns this off.</summary>
    public TimeSpan ImageMaximumGcAge { get; init; } = TimeSpan.Zero;

    /// <summary>Images never collected (besides the infra image), by reference or id.</summary>
    public IReadOnlyList<string> ImageGcPinned { get; init; } = ["local/busybox:1"];

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
            ImageGcPeriod = SettingsReader.Duration(section, "image-gc-period", d.ImageGcPeriod),
            ImageGcHighThresholdPercent = SettingsReader.Int(section, "image-gc-high-threshold-percent", d.ImageGcHighThresholdPercent),
            ImageGcLowThresholdPercent = SettingsReader.Int(section, "image-gc-low-threshold-percent", d.ImageGcLowThresholdPercent),
            ImageMinimumGcAge = SettingsReader.Duration(section, "image-minimum-gc-age", d.ImageMinimumGcAge),
            ImageMaximumGcAge = SettingsReader.Duration(section, "image-maximum-gc-age", d.ImageMaximumGcAge),
            ImageGcPinned = section.GetSection("image-gc-pinned").Exists() ? SettingsReader.List(section, "image-gc-pinned") : d.ImageGcPinned,
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
        SettingsException.Require(ImageGcPeriod >= TimeSpan.FromSeconds(1), "agent.image-gc-period", ImageGcPeriod, "must be at least 1s");
        SettingsException.Require(ImageGcHighThresholdPercent is >= 0 and <= 100, "agent.image-gc-high-threshold-percent", ImageGcHighThresholdPercent, "must be from 0 to 100");
        SettingsException.Require(ImageGcLowThresholdPercent >= 0 && ImageGcLowThresholdPercent <= ImageGcHighThresholdPercent, "agent.image-gc-low-threshold-percent", ImageGcLowThresholdPercent, "must be from 0 to agent.image-gc-high-threshold-percent");
        SettingsException.Require(ImageMinimumGcAge >= TimeSpan.Zero, "agent.image-minimum-gc-age", ImageMinimumGcAge, "must not be negative");
        SettingsException.Require(ImageMaximumGcAge == TimeSpan.Zero || ImageMaximumGcAge > ImageMinimumGcAge, "agent.image-maximum-gc-age", ImageMaximumGcAge, "must be 0 (off) or longer than agent.image-minimum-gc-age");
    }
}

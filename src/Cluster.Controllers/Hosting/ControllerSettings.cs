using Cluster.Controllers.Framework;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Controllers.Hosting;

/// <summary>The <c>controllers</c> section: which controllers the controller manager runs and how.</summary>
public sealed record ControllerSettings
{
    public const string SectionName = "controllers";

    /// <summary>The controllers this build has, by upstream's names.</summary>
    public static IReadOnlyList<string> Known { get; } = ["deployment", "endpoint", "garbagecollector", "horizontalpodautoscaling", "nodelifecycle", "replicaset", "replicationcontroller", "taint-eviction-controller"];

    /// <summary>controllers.enabled: kube-controller-manager's --controllers list.</summary>
    public ControllerSelection Enabled { get; init; } = ControllerSelection.Default;

    /// <summary>controllers.workers: keys each controller reconciles at once (upstream's --concurrent-*-syncs, 5).</summary>
    public int Workers { get; init; } = 5;

    /// <summary>controllers.resync-period: how often informers hand every object to the controllers again.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// controllers.node-monitor-grace-period: how long a node's kubelet may neither renew its Lease nor post status
    /// before the node lifecycle controller marks it Unknown (upstream's --node-monitor-grace-period, 50 s).
    /// </summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(50);

    /// <summary>controllers.horizontal-pod-autoscaler-*: the horizontal pod autoscaler's periods.</summary>
    public Autoscaling.HorizontalPodAutoscalerSettings Autoscaler { get; init; } = new();

    public static ControllerSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = new ControllerSettings();
        var enabled = SettingsReader.String(section, "enabled", "*");
        ControllerSelection selection;
        try
        {
            selection = ControllerSelection.Parse(enabled, [.. Known]);
        }
        catch (FormatException e)
        {
            throw SettingsException.Invalid("controllers.enabled", enabled, e.Message);
        }

        var settings = new ControllerSettings
        {
            Enabled = selection,
            Workers = SettingsReader.Int(section, "workers", d.Workers),
            ResyncPeriod = SettingsReader.Duration(section, "resync-period", d.ResyncPeriod),
            NodeMonitorGracePeriod = SettingsReader.Duration(section, "node-monitor-grace-period", d.NodeMonitorGracePeriod),
            Autoscaler = Autoscaling.HorizontalPodAutoscalerSettings.FromConfiguration(configuration),
        };
        SettingsException.Require(settings.Workers >= 1, "controllers.workers", settings.Workers, "must be at least 1");
        SettingsException.Require(settings.ResyncPeriod >= TimeSpan.Zero, "controllers.resync-period", settings.ResyncPeriod, "must not be negative (zero turns resync off)");
        SettingsException.Require(settings.NodeMonitorGracePeriod >= TimeSpan.FromSeconds(1), "controllers.node-monitor-grace-period", settings.NodeMonitorGracePeriod, "must be at least 1s");
        return settings;
    }
}

using Cluster.Controllers.Framework;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Controllers.Hosting;

/// <summary>The <c>controllers</c> section: which controllers the controller manager runs and how.</summary>
public sealed record ControllerSettings
{
    public const string SectionName = "controllers";

    /// <summary>The controllers this build has, by upstream's names.</summary>
    public static IReadOnlyList<string> Known { get; } = ["clusterrole-aggregation", "cronjob", "daemonset", "deployment", "disruption", "endpoint", "endpointslice", "garbagecollector", "horizontalpodautoscaling", "job", "local-volume-provisioner", "namespace", "nodelifecycle", "persistentvolume-binder", "podgc", "pv-protection", "pvc-protection", "replicaset", "replicationcontroller", "resourcequota", "root-ca-cert-publisher", "service-lb-controller", "serviceaccount", "statefulset", "taint-eviction-controller"];

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

    /// <summary>
    /// controllers.terminated-pod-gc-threshold: terminated pods the pod garbage collector keeps before deleting the
    /// oldest; 0 keeps them all (upstream's --terminated-pod-gc-threshold, 12500).
    /// </summary>
    public int TerminatedPodGcThreshold { get; init; } = 12500;

    /// <summary>controllers.local-volumes: the built-in local provisioner's settings.</summary>
    public Volumes.LocalVolumeSettings LocalVolumes { get; init; } = new();

    /// <summary>
    /// The cluster CA certificate (PEM) the root-ca-cert-publisher puts in every namespace's kube-root-ca.crt ConfigMap;
    /// not a configuration key: the node hands over its PKI's. Empty (a node without TLS): that controller does not run.
    /// </summary>
    public string RootCaCertificate { get; init; } = "";

    /// <summary>controllers.resource-quota-sync-period: how often every quota's usage is recounted (upstream's --resource-quota-sync-period, 5 min).</summary>
    public TimeSpan ResourceQuotaSyncPeriod { get; init; } = TimeSpan.FromMinutes(5);

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
            TerminatedPodGcThreshold = SettingsReader.Int(section, "terminated-pod-gc-threshold", d.TerminatedPodGcThreshold),
            LocalVolumes = Volumes.LocalVolumeSettings.FromConfiguration(configuration),
            ResourceQuotaSyncPeriod = SettingsReader.Duration(section, "resource-quota-sync-period", d.ResourceQuotaSyncPeriod),
            Autoscaler = Autoscaling.HorizontalPodAutoscalerSettings.FromConfiguration(configuration),
        };
        SettingsException.Require(settings.Workers >= 1, "controllers.workers", settings.Workers, "must be at least 1");
        SettingsException.Require(settings.ResyncPeriod >= TimeSpan.Zero, "controllers.resync-period", settings.ResyncPeriod, "must not be negative (zero turns resync off)");
        SettingsException.Require(settings.ResourceQuotaSyncPeriod >= TimeSpan.FromSeconds(1), "controllers.resource-quota-sync-period", settings.ResourceQuotaSyncPeriod, "must be at least 1s");
        SettingsException.Require(settings.NodeMonitorGracePeriod >= TimeSpan.FromSeconds(1), "controllers.node-monitor-grace-period", settings.NodeMonitorGracePeriod, "must be at least 1s");
        SettingsException.Require(settings.TerminatedPodGcThreshold >= 0, "controllers.terminated-pod-gc-threshold", settings.TerminatedPodGcThreshold, "must not be negative (0 keeps every terminated pod)");
        return settings;
    }
}

using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Controllers.Autoscaling;

/// <summary>The horizontal pod autoscaler's keys of the <c>controllers</c> section (kube-controller-manager's --horizontal-pod-autoscaler-* flags).</summary>
public sealed record HorizontalPodAutoscalerSettings
{
    /// <summary>controllers.horizontal-pod-autoscaler-sync-period: how often each autoscaler is evaluated.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>controllers.horizontal-pod-autoscaler-downscale-stabilization: the scale-down window without a behavior saying otherwise.</summary>
    public TimeSpan DownscaleStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>controllers.horizontal-pod-autoscaler-cpu-initialization-period: how long after a pod starts its CPU samples are doubted.</summary>
    public TimeSpan CpuInitializationPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>controllers.horizontal-pod-autoscaler-initial-readiness-delay: how long after start a pod's readiness changes are taken as its first.</summary>
    public TimeSpan InitialReadinessDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The replica calculator's options: upstream's tolerance of 0.1 and this record's periods.</summary>
    public CalculatorOptions Calculator => CalculatorOptions.Default with { CpuInitializationPeriod = CpuInitializationPeriod, InitialReadinessDelay = InitialReadinessDelay };

    public static HorizontalPodAutoscalerSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("controllers");
        var d = new HorizontalPodAutoscalerSettings();
        var settings = new HorizontalPodAutoscalerSettings
        {
            SyncPeriod = SettingsReader.Duration(section, "horizontal-pod-autoscaler-sync-period", d.SyncPeriod),
            DownscaleStabilization = SettingsReader.Duration(section, "horizontal-pod-autoscaler-downscale-stabilization", d.DownscaleStabilization),
            CpuInitializationPeriod = SettingsReader.Duration(section, "horizontal-pod-autoscaler-cpu-initialization-period", d.CpuInitializationPeriod),
            InitialReadinessDelay = SettingsReader.Duration(section, "horizontal-pod-autoscaler-initial-readiness-delay", d.InitialReadinessDelay),
        };
        SettingsException.Require(settings.SyncPeriod >= TimeSpan.FromSeconds(1), "controllers.horizontal-pod-autoscaler-sync-period", settings.SyncPeriod, "must be at least 1s");
        SettingsException.Require(settings.DownscaleStabilization >= TimeSpan.Zero, "controllers.horizontal-pod-autoscaler-downscale-stabilization", settings.DownscaleStabilization, "must not be negative");
        SettingsException.Require(settings.CpuInitializationPeriod >= TimeSpan.Zero, "controllers.horizontal-pod-autoscaler-cpu-initialization-period", settings.CpuInitializationPeriod, "must not be negative");
        SettingsException.Require(settings.InitialReadinessDelay >= TimeSpan.Zero, "controllers.horizontal-pod-autoscaler-initial-readiness-delay", settings.InitialReadinessDelay, "must not be negative");
        return settings;
    }
}

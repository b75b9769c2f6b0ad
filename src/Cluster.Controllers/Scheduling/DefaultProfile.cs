using Cluster.Controllers.Scheduling.Plugins;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Controllers.Scheduling;

/// <summary>The default-scheduler's plugins in upstream's order and with upstream's score weights.</summary>
public static class DefaultProfile
{
    /// <param name="defaultSpreadSelector">
    /// The pods a pod should be spread from when it states no topology spread constraints: those of the Services and
    /// controllers selecting it (null: none).
    /// </param>
    /// <param name="volumes">The claims, volumes and classes the VolumeBinding plugin reads (null: pods' claims are not checked).</param>
    public static SchedulerProfile Create(Func<Framework.PodInfo, LabelSelector?>? defaultSpreadSelector = null, IVolumeLookup? volumes = null)
    {
        var fit = new NodeResourcesFit();
        var nodeAffinity = new NodeAffinity();
        var taints = new TaintToleration();
        var spread = new PodTopologySpread(defaultSpreadSelector ?? (_ => null));
        var affinity = new InterPodAffinity();
        VolumeBinding[] volumeChecks = volumes is null ? [] : [new VolumeBinding(volumes)];
        return new SchedulerProfile(
            PreFilters: [.. volumeChecks, spread, affinity],
            Filters: [new NodeUnschedulable(), new NodeName(), taints, nodeAffinity, new NodePorts(), fit, .. volumeChecks, spread, affinity],
            Scores: [taints, nodeAffinity, fit, spread, affinity, new BalancedAllocation()]);
    }
}

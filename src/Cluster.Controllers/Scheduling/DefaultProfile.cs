using Cluster.Controllers.Scheduling.Plugins;

namespace Cluster.Controllers.Scheduling;

/// <summary>The default-scheduler's plugins in upstream's order and with upstream's score weights.</summary>
public static class DefaultProfile
{
    public static SchedulerProfile Create()
    {
        var fit = new NodeResourcesFit();
        return new SchedulerProfile(
            PreFilters: [],
            Filters: [new NodeUnschedulable(), new NodeName(), new NodePorts(), fit],
            Scores: [fit, new BalancedAllocation()]);
    }
}

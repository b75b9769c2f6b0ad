namespace Cluster.Controllers.Scheduling;

/// <summary>What changed in a pending pod's own spec or labels (upstream's PodSchedulingPropertiesChange events).</summary>
[Flags]
public enum PodUpdate
{
    None = 0,
    Labels = 1,
    Tolerations = 2,

    /// <summary>A container's requests changed (an in-place resize; upstream hints only a decrease).</summary>
    Requests = 4,

    /// <summary>Anything else in the spec: every plugin may care.</summary>
    Other = 8,
}

/// <summary>
/// Whether a change to an unschedulable pod itself is worth another attempt, as upstream's queueing hints decide
/// (SchedulerQueueingHints): only when a plugin that refused the pod registers that kind of change. Without them a
/// label patch on each of thousands of pods waiting for a node is a scheduling cycle and a FailedScheduling event each.
/// </summary>
public static class QueueingHints
{
    /// <summary>The pod's own changes each built-in filter registers (their EventsToRegister for Pod/Update); none for the rest.</summary>
    private static readonly Dictionary<string, PodUpdate> Registered = new(StringComparer.Ordinal)
    {
        ["InterPodAffinity"] = PodUpdate.Labels,
        ["PodTopologySpread"] = PodUpdate.Labels,
        ["TaintToleration"] = PodUpdate.Tolerations,
        ["NodeResourcesFit"] = PodUpdate.Requests,
        ["NodeAffinity"] = PodUpdate.None,
        ["NodeName"] = PodUpdate.None,
        ["NodePorts"] = PodUpdate.None,
        ["NodeUnschedulable"] = PodUpdate.None,
        ["VolumeBinding"] = PodUpdate.None,
    };

    /// <param name="plugins">The plugins that refused the pod last time; empty when unknown.</param>
    public static bool WorthRetrying(IReadOnlySet<string> plugins, PodUpdate change)
    {
        if (change == PodUpdate.None)
        {
            return false;
        }

        if (plugins.Count == 0 || change.HasFlag(PodUpdate.Other))
        {
            return true;
        }

        // A plugin this table does not know (an out-of-tree one) may care about anything.
        return plugins.Any(p => !Registered.TryGetValue(p, out var registered) || (registered & change) != 0);
    }
}

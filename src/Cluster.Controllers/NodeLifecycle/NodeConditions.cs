using k8s.Models;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>The node conditions the lifecycle controller reads and, for a silent kubelet, overrides (upstream's tryUpdateNodeHealth).</summary>
public static class NodeConditions
{
    public const string Ready = "Ready";
    public const string StoppedPosting = "Kubelet stopped posting node status.";
    public const string NeverPosted = "Kubelet never posted node status.";

    /// <summary>The conditions upstream sets to Unknown when the kubelet goes silent.</summary>
    public static IReadOnlyList<string> Monitored { get; } = [Ready, "MemoryPressure", "DiskPressure", "PIDPressure"];

    public static V1NodeCondition? Find(V1Node node, string type) => node.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>The Ready condition's status ("True", "False", "Unknown"), "None" for a node that never posted one.</summary>
    public static string ReadyStatus(V1Node node) => Find(node, Ready)?.Status ?? "None";

    /// <summary>
    /// Sets every monitored condition to Unknown (reason NodeStatusUnknown, a missing one NodeStatusNeverUpdated), keeping
    /// the kubelet's last heartbeat so its return is still seen as one; false when they all were Unknown already.
    /// </summary>
    public static bool MarkUnknown(V1Node node, DateTimeOffset now)
    {
        node.Status ??= new V1NodeStatus();
        node.Status.Conditions ??= [];
        var at = Seconds(now);
        var changed = false;
        foreach (var type in Monitored)
        {
            var condition = node.Status.Conditions.FirstOrDefault(c => c.Type == type);
            if (condition is null)
            {
                node.Status.Conditions.Add(new V1NodeCondition
                {
                    Type = type,
                    Status = "Unknown",
                    Reason = "NodeStatusNeverUpdated",
                    Message = NeverPosted,
                    LastHeartbeatTime = node.Metadata.CreationTimestamp,
                    LastTransitionTime = at,
                });
                changed = true;
            }
            else if (condition.Status != "Unknown")
            {
                condition.Status = "Unknown";
                condition.Reason = "NodeStatusUnknown";
                condition.Message = StoppedPosting;
                condition.LastTransitionTime = at;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>API times have whole seconds (RFC 3339).</summary>
    public static DateTime Seconds(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}

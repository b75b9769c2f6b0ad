using k8s.Models;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>
/// What one look at a node calls for (upstream's monitorNodeHealth for one node): <paramref name="MarkedUnknown"/>, the
/// node with its conditions set to Unknown, to write to its status (its taints follow on the next look); else
/// <paramref name="Taints"/>, its new taints, when they differ; and when to look again if nothing changes.
/// </summary>
public sealed record NodeHealth(V1Node? MarkedUnknown, List<V1Taint>? Taints, TimeSpan? RecheckIn)
{
    /// <summary>Plans for <paramref name="node"/> (changed in place) given its Lease and the signs of life seen before.</summary>
    public static NodeHealth Plan(V1Node node, V1Lease? lease, NodeProbes probes, TimeSpan grace, DateTimeOffset now)
    {
        var heartbeat = NodeConditions.Find(node, NodeConditions.Ready)?.LastHeartbeatTime;
        var deadline = probes.Observe(node.Metadata.Name, heartbeat, lease?.Spec?.RenewTime, now) + grace;
        if (now >= deadline && NodeConditions.MarkUnknown(node, now))
        {
            return new NodeHealth(node, null, null);
        }

        return new NodeHealth(null, NodeTaints.Desired(node, now), now < deadline ? deadline - now : null);
    }
}

using k8s.Models;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>
/// The taints the node lifecycle controller owns, from the node's conditions: upstream's doNoExecuteTaintingPass
/// (not-ready or unreachable NoExecute, with timeAdded, which eviction times are counted from) and taint-node-by-condition's
/// doNoScheduleTaintingPass (a NoSchedule taint per unhealthy condition, and for a cordoned node).
/// </summary>
public static class NodeTaints
{
    public const string NotReady = "node.kubernetes.io/not-ready";
    public const string Unreachable = "node.kubernetes.io/unreachable";
    public const string Unschedulable = "node.kubernetes.io/unschedulable";
    public const string NoExecute = "NoExecute";
    public const string NoSchedule = "NoSchedule";

    /// <summary>Upstream's nodeConditionToTaintKeyStatusMap: the condition status that brings each NoSchedule taint.</summary>
    private static readonly (string Condition, string Status, string Key)[] ByCondition =
    [
        ("Ready", "False", NotReady),
        ("Ready", "Unknown", Unreachable),
        ("MemoryPressure", "True", "node.kubernetes.io/memory-pressure"),
        ("DiskPressure", "True", "node.kubernetes.io/disk-pressure"),
        ("NetworkUnavailable", "True", "node.kubernetes.io/network-unavailable"),
        ("PIDPressure", "True", "node.kubernetes.io/pid-pressure"),
    ];

    private static readonly HashSet<string> NoScheduleKeys = [.. ByCondition.Select(c => c.Key), Unschedulable];

    /// <summary>
    /// The node's taints with the managed ones as its conditions call for, or null when they already are: others are
    /// kept in place, a managed taint still called for keeps its timeAdded, new ones go last.
    /// </summary>
    public static List<V1Taint>? Desired(V1Node node, DateTimeOffset now)
    {
        var current = node.Spec?.Taints ?? [];
        var wanted = Wanted(node);
        var kept = current.Where(t => !Managed(t) || wanted.Contains((t.Key, t.Effect))).ToList();
        var added = wanted.Where(w => !kept.Any(t => t.Key == w.Key && t.Effect == w.Effect))
            .Select(w => new V1Taint { Key = w.Key, Effect = w.Effect, TimeAdded = w.Effect == NoExecute ? NodeConditions.Seconds(now) : null })
            .ToList();
        return added.Count == 0 && kept.Count == current.Count ? null : [.. kept, .. added];
    }

    private static bool Managed(V1Taint taint) =>
        (taint.Effect == NoExecute && taint.Key is NotReady or Unreachable) || (taint.Effect == NoSchedule && NoScheduleKeys.Contains(taint.Key));

    private static HashSet<(string Key, string Effect)> Wanted(V1Node node)
    {
        var wanted = new HashSet<(string, string)>();

        // As upstream, a node without a Ready condition is not tainted: it has not been heard from yet, and gets one
        // (Unknown) only when its grace period ends.
        switch (NodeConditions.Find(node, NodeConditions.Ready)?.Status)
        {
            case "False":
                wanted.Add((NotReady, NoExecute));
                break;
            case "Unknown":
                wanted.Add((Unreachable, NoExecute));
                break;
        }

        foreach (var (condition, status, key) in ByCondition)
        {
            if (NodeConditions.Find(node, condition)?.Status == status)
            {
                wanted.Add((key, NoSchedule));
            }
        }

        if (node.Spec?.Unschedulable == true)
        {
            wanted.Add((Unschedulable, NoSchedule));
        }

        return wanted;
    }
}

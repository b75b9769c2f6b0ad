using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// Pending pods nominated to a node by preemption (upstream's nominator): while their victims terminate, the room
/// they free is counted as theirs for pods of lower or equal priority, so another pod does not take it.
/// </summary>
public sealed partial class SchedulerCache
{
    private readonly Dictionary<string, List<PodInfo>> _nominatedByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _nominatedNodeOf = new(StringComparer.Ordinal);

    /// <remarks>
    /// Asked for every node of every cycle: the answer for a node without nominations must not allocate (a bare
    /// <c>[]</c> here took the conditional's type, List, and made a new list each call: half a cycle's allocations).
    /// </remarks>
    public IReadOnlyList<PodInfo> NominatedPods(string node) => _nominatedByNode.TryGetValue(node, out var pods) ? pods : Array.Empty<PodInfo>();

    /// <summary>The node the pod is nominated to, if any.</summary>
    public string? NominatedNode(string uid) => _nominatedNodeOf.GetValueOrDefault(uid);

    /// <summary>Counts the pending <paramref name="pod"/> on <paramref name="node"/> for lower-priority pods (replacing an earlier nomination).</summary>
    public void Nominate(PodInfo pod, string node)
    {
        ClearNomination(pod.Uid);
        _nominatedNodeOf[pod.Uid] = node;
        if (!_nominatedByNode.TryGetValue(node, out var pods))
        {
            pods = [];
            _nominatedByNode[node] = pods;
        }

        pods.Add(pod.AssumedOn(node));
    }

    /// <summary>The pod is bound, gone, or no longer waits for that node.</summary>
    public void ClearNomination(string uid)
    {
        if (!_nominatedNodeOf.Remove(uid, out var node) || !_nominatedByNode.TryGetValue(node, out var pods))
        {
            return;
        }

        pods.RemoveAll(p => p.Uid == uid);
        if (pods.Count == 0)
        {
            _nominatedByNode.Remove(node);
        }
    }
}

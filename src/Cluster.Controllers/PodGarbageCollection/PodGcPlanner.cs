using k8s.Models;

namespace Cluster.Controllers.PodGarbageCollection;

/// <summary>Why the pod garbage collector removes a pod (upstream's four sweeps).</summary>
public enum PodGcReason
{
    /// <summary>More terminated pods than the threshold: the oldest go.</summary>
    TerminatedOverThreshold,

    /// <summary>Terminating on a NotReady node tainted out-of-service: its kubelet will never confirm.</summary>
    TerminatingOutOfService,

    /// <summary>Bound to a node that has not existed for the whole quarantine.</summary>
    Orphaned,

    /// <summary>Being deleted and never scheduled: no kubelet will ever confirm.</summary>
    UnscheduledTerminating,
}

/// <param name="MarkFailed">Set phase Failed (with the DisruptionTarget condition for orphans) before the delete, as upstream's markFailedAndDeletePod.</param>
public sealed record PodGcDeletion(V1Pod Pod, PodGcReason Reason, bool MarkFailed);

/// <summary>
/// Upstream's podgc (pkg/controller/podgc) as a pure function of the pods, the nodes and the time. Every deletion is
/// forced (grace 0): each swept pod has no kubelet that would finish a graceful one.
/// </summary>
public static class PodGcPlanner
{
    public const string OutOfServiceTaint = "node.kubernetes.io/out-of-service";

    /// <summary>Upstream's quarantineTime: a node must be missing this long before its pods count as orphans.</summary>
    public static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(40);

    /// <param name="absentSince">When each node that pods name was first seen missing.</param>
    /// <param name="threshold">Terminated pods kept at most; 0 or less keeps them all (upstream's --terminated-pod-gc-threshold).</param>
    public static IReadOnlyList<PodGcDeletion> Plan(IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, V1Node> nodes, IReadOnlyDictionary<string, DateTimeOffset> absentSince, DateTimeOffset now, int threshold)
    {
        var deletions = new List<PodGcDeletion>();
        var taken = new HashSet<V1Pod>(ReferenceEqualityComparer.Instance);
        void Take(V1Pod pod, PodGcReason reason, bool markFailed)
        {
            if (taken.Add(pod))
            {
                deletions.Add(new PodGcDeletion(pod, reason, markFailed));
            }
        }

        var terminated = pods.Where(IsTerminated).ToList();
        if (threshold > 0 && terminated.Count > threshold)
        {
            foreach (var pod in terminated.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).Take(terminated.Count - threshold))
            {
                Take(pod, PodGcReason.TerminatedOverThreshold, markFailed: false);
            }
        }

        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is not null && NodeOf(p) is { } node && nodes.TryGetValue(node, out var n) && IsOutOfService(n)))
        {
            Take(pod, PodGcReason.TerminatingOutOfService, markFailed: !IsTerminated(pod));
        }

        foreach (var pod in pods)
        {
            if (NodeOf(pod) is { } node && !nodes.ContainsKey(node) && absentSince.TryGetValue(node, out var since) && now - since >= Quarantine)
            {
                Take(pod, PodGcReason.Orphaned, markFailed: !IsTerminated(pod));
            }
        }

        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is not null && NodeOf(p) is null))
        {
            Take(pod, PodGcReason.UnscheduledTerminating, markFailed: !IsTerminated(pod));
        }

        return deletions;
    }

    /// <summary>The nodes pods are bound to that do not exist (the candidates for the orphan quarantine).</summary>
    public static IEnumerable<string> MissingNodes(IEnumerable<V1Pod> pods, IReadOnlyDictionary<string, V1Node> nodes) =>
        pods.Select(NodeOf).OfType<string>().Where(n => !nodes.ContainsKey(n)).Distinct(StringComparer.Ordinal);

    /// <summary>Upstream's isPodTerminated: neither Pending, Running nor Unknown.</summary>
    public static bool IsTerminated(V1Pod pod) => pod.Status?.Phase is not (null or "Pending" or "Running" or "Unknown");

    private static string? NodeOf(V1Pod pod) => string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName;

    private static bool IsOutOfService(V1Node node) =>
        node.Spec?.Taints?.Any(t => t.Key == OutOfServiceTaint && t.Effect == "NoExecute") == true
        && node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status != "True";
}

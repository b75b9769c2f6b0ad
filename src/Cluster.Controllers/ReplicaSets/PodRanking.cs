using System.Globalization;
using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>
/// Which pods a scale-down deletes (upstream's getPodsToDelete over ActivePodsWithRanks, with the PodDeletionCost and
/// LogarithmicScaleDown gates on, as in v1.32): the pods least worth keeping come first. Pure: the time is given.
/// </summary>
public static class PodRanking
{
    /// <summary>The annotation by which users rank pods for deletion (lower goes first).</summary>
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>
    /// The <paramref name="count"/> pods of <paramref name="pods"/> to delete. Each pod's rank is how many active pods
    /// of <paramref name="related"/> (the pods of every replica set with the same controller) share its node, so
    /// doubled-up nodes give theirs up first.
    /// </summary>
    public static IReadOnlyList<V1Pod> PodsToDelete(IReadOnlyList<V1Pod> pods, IEnumerable<V1Pod> related, int count, DateTimeOffset now)
    {
        if (count >= pods.Count)
        {
            return pods;
        }

        var onNode = related.Where(PodFacts.IsActive).GroupBy(NodeOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. pods.Select(p => (Pod: p, Rank: onNode.GetValueOrDefault(NodeOf(p))))
            .Order(Comparer<(V1Pod Pod, int Rank)>.Create((a, b) => Compare(a.Pod, a.Rank, b.Pod, b.Rank, now)))
            .Take(count)
            .Select(r => r.Pod)];
    }

    /// <summary>ActivePodsWithRanks.Less as a comparison: negative when <paramref name="a"/> should go before <paramref name="b"/>.</summary>
    public static int Compare(V1Pod a, int rankA, V1Pod b, int rankB, DateTimeOffset now)
    {
        // 1. Unassigned before assigned.
        var (nodeA, nodeB) = (NodeOf(a), NodeOf(b));
        if (nodeA != nodeB && (nodeA.Length == 0 || nodeB.Length == 0))
        {
            return nodeA.Length == 0 ? -1 : 1;
        }

        // 2. Pending before Unknown before Running; 3. not ready before ready.
        if (PhaseOrdinal(a).CompareTo(PhaseOrdinal(b)) is not 0 and var byPhase)
        {
            return byPhase;
        }

        var (readyA, readyB) = (PodFacts.IsReady(a), PodFacts.IsReady(b));
        if (readyA != readyB)
        {
            return readyA ? 1 : -1;
        }

        // 4. Lower deletion cost first; 5. more related pods on the node first.
        if (DeletionCost(a).CompareTo(DeletionCost(b)) is not 0 and var byCost)
        {
            return byCost;
        }

        if (rankA != rankB)
        {
            return rankB.CompareTo(rankA);
        }

        // 6. Ready for less time first (by powers of two of the time, so pods of similar age count as equals).
        if (readyA && readyB && PodFacts.ReadySince(a) != PodFacts.ReadySince(b) && Newer(PodFacts.ReadySince(a), PodFacts.ReadySince(b), a, b, now) is var byReady)
        {
            return byReady;
        }

        // 7. More restarts first; 8. newer first.
        if (CompareRestarts(a, b) is not 0 and var byRestarts)
        {
            return byRestarts;
        }

        var (createdA, createdB) = (Created(a), Created(b));
        return createdA != createdB ? Newer(createdA, createdB, a, b, now) : 0;
    }

    /// <summary>Upstream's afterOrZero, or its logarithmicRankDiff when both times are known, ties broken by uid.</summary>
    private static int Newer(DateTimeOffset? a, DateTimeOffset? b, V1Pod podA, V1Pod podB, DateTimeOffset now)
    {
        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        var diff = LogRank(now - a.Value).CompareTo(LogRank(now - b.Value));
        return diff != 0 ? diff : string.CompareOrdinal(podA.Metadata?.Uid, podB.Metadata?.Uid) switch { < 0 => -1, > 0 => 1, _ => 0 };
    }

    /// <summary>The binary logarithm of an age in nanoseconds (-1 for none), as upstream buckets ages.</summary>
    private static long LogRank(TimeSpan age) => age > TimeSpan.Zero ? (long)Math.Log2(age.Ticks * 100.0) : -1;

    /// <summary>Regular containers' highest restart count, then restartable init (sidecar) containers'.</summary>
    private static int CompareRestarts(V1Pod a, V1Pod b)
    {
        var (regularA, sidecarA) = MaxRestarts(a);
        var (regularB, sidecarB) = MaxRestarts(b);
        return regularA != regularB ? regularB.CompareTo(regularA) : sidecarB.CompareTo(sidecarA);
    }

    private static (int Regular, int Sidecar) MaxRestarts(V1Pod pod)
    {
        var regular = pod.Status?.ContainerStatuses?.Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        var sidecars = (pod.Spec?.InitContainers ?? []).Where(c => c.RestartPolicy == "Always").Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var sidecar = pod.Status?.InitContainerStatuses?.Where(c => sidecars.Contains(c.Name)).Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        return (regular, sidecar);
    }

    private static int PhaseOrdinal(V1Pod pod) => pod.Status?.Phase switch { "Unknown" => 1, "Running" => 2, _ => 0 };

    /// <summary>The annotation's value; absent or not a 32-bit integer counts as 0, as upstream.</summary>
    private static int DeletionCost(V1Pod pod) =>
        pod.Metadata?.Annotations?.TryGetValue(DeletionCostAnnotation, out var text) == true
        && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static DateTimeOffset? Created(V1Pod pod) =>
        pod.Metadata?.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null;

    private static string NodeOf(V1Pod pod) => pod.Spec?.NodeName ?? "";
}

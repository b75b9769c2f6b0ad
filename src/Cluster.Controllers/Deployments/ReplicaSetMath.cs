using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>Counts, filters and orders over a deployment's ReplicaSets (upstream's deploymentutil and controller_utils helpers).</summary>
public static class ReplicaSetMath
{
    public static int Spec(V1ReplicaSet rs) => rs.Spec?.Replicas ?? 1;

    public static int Actual(V1ReplicaSet rs) => rs.Status?.Replicas ?? 0;

    public static int Available(V1ReplicaSet rs) => rs.Status?.AvailableReplicas ?? 0;

    public static int Ready(V1ReplicaSet rs) => rs.Status?.ReadyReplicas ?? 0;

    /// <summary>Sum of spec.replicas (upstream's GetReplicaCountForReplicaSets).</summary>
    public static int SpecSum(IEnumerable<V1ReplicaSet?> rss) => rss.OfType<V1ReplicaSet>().Sum(Spec);

    /// <summary>Sum of status.replicas (GetActualReplicaCountForReplicaSets).</summary>
    public static int ActualSum(IEnumerable<V1ReplicaSet?> rss) => rss.OfType<V1ReplicaSet>().Sum(Actual);

    public static int AvailableSum(IEnumerable<V1ReplicaSet?> rss) => rss.OfType<V1ReplicaSet>().Sum(Available);

    public static int ReadySum(IEnumerable<V1ReplicaSet?> rss) => rss.OfType<V1ReplicaSet>().Sum(Ready);

    /// <summary>The ReplicaSets that should have pods (FilterActiveReplicaSets).</summary>
    public static List<V1ReplicaSet> Active(IEnumerable<V1ReplicaSet?> rss) => [.. rss.OfType<V1ReplicaSet>().Where(rs => Spec(rs) > 0)];

    /// <summary>Oldest first, ties by name (ReplicaSetsByCreationTimestamp).</summary>
    public static int ByCreation(V1ReplicaSet a, V1ReplicaSet b)
    {
        var (ta, tb) = (a.Metadata.CreationTimestamp ?? DateTime.MinValue, b.Metadata.CreationTimestamp ?? DateTime.MinValue);
        return ta == tb ? string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name) : ta.CompareTo(tb);
    }

    /// <summary>Largest first; among equals the older first (ReplicaSetsBySizeOlder: which to scale down first).</summary>
    public static int BySizeOlder(V1ReplicaSet a, V1ReplicaSet b) => Spec(a) == Spec(b) ? ByCreation(a, b) : Spec(b).CompareTo(Spec(a));

    /// <summary>Largest first; among equals the newer first (ReplicaSetsBySizeNewer: which to scale up first).</summary>
    public static int BySizeNewer(V1ReplicaSet a, V1ReplicaSet b) => Spec(a) == Spec(b) ? ByCreation(b, a) : Spec(b).CompareTo(Spec(a));

    /// <summary>Lowest revision first, ties by creation (ReplicaSetsByRevision).</summary>
    public static int ByRevision(V1ReplicaSet a, V1ReplicaSet b)
    {
        var (ra, rb) = (Revisions.Of(a) ?? 0, Revisions.Of(b) ?? 0);
        return ra == rb ? ByCreation(a, b) : ra.CompareTo(rb);
    }

    /// <summary>
    /// The one ReplicaSet to give the whole count when at most one has pods (FindActiveOrLatest): the active one, or
    /// with none active the new one, else the newest old one; null when several are active.
    /// </summary>
    public static V1ReplicaSet? ActiveOrLatest(V1ReplicaSet? newRS, IReadOnlyList<V1ReplicaSet> oldRSs)
    {
        if (newRS is null && oldRSs.Count == 0)
        {
            return null;
        }

        var newestFirst = oldRSs.ToList();
        newestFirst.Sort((a, b) => ByCreation(b, a));
        var active = Active(newestFirst.Append(newRS));
        return active.Count switch
        {
            0 => newRS ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>The new ReplicaSet runs the full count, all available, and was sized for it (IsSaturated).</summary>
    public static bool IsSaturated(V1Deployment d, V1ReplicaSet? rs) =>
        rs is not null && Revisions.Desired(rs) is { } desired && Spec(rs) == Fenceposts.Replicas(d) && desired == Fenceposts.Replicas(d)
        && Available(rs) == Fenceposts.Replicas(d);

    /// <summary>
    /// This ReplicaSet's share of <paramref name="toAdd"/> when scaling a rollout proportionally (GetReplicaSetProportion):
    /// its size over the deployment size it was last scaled for, times the new maximum, never beyond what is left.
    /// </summary>
    public static int Proportion(V1ReplicaSet rs, V1Deployment d, int toAdd, int added)
    {
        if (Spec(rs) == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }

        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static int Fraction(V1ReplicaSet rs, V1Deployment d)
    {
        if (Fenceposts.Replicas(d) == 0)
        {
            return -Spec(rs);
        }

        var maxReplicas = Fenceposts.Replicas(d) + Fenceposts.MaxSurge(d);

        // Without the annotation, the deployment's last observed size: not exact when others differ, but the
        // min/max against what is left keeps the total in bounds.
        var annotated = Revisions.Max(rs) ?? d.Status?.Replicas ?? 0;
        if (annotated == 0)
        {
            return 0;
        }

        var size = (double)(Spec(rs) * maxReplicas) / annotated;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - Spec(rs);
    }
}

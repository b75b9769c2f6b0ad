using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>The two rollout strategies (upstream's rolling.go and recreate.go).</summary>
public sealed partial class DeploymentPlanner
{
    /// <summary>Scale the new ReplicaSet up within the surge, else the old ones down within the unavailability; one step per sync.</summary>
    private void RolloutRolling()
    {
        var (newRS, oldRSs) = GetAll(create: true);
        if (newRS is null)
        {
            return;
        }

        List<V1ReplicaSet> all = [.. oldRSs, newRS];
        if (ReconcileNewReplicaSet(all, newRS) || ReconcileOldReplicaSets(all, ReplicaSetMath.Active(oldRSs), newRS))
        {
            SyncRolloutStatus(all, newRS);
            return;
        }

        if (DeploymentConditions.Complete(_d, _d.Status))
        {
            CleanupOldReplicaSets(oldRSs);
        }

        SyncRolloutStatus(all, newRS);
    }

    private bool ReconcileNewReplicaSet(List<V1ReplicaSet> all, V1ReplicaSet newRS)
    {
        var replicas = Fenceposts.Replicas(_d);
        var current = ReplicaSetMath.Spec(newRS);
        return current != replicas && ScaleAndRecord(newRS, current > replicas ? replicas : NewReplicas(all, newRS));
    }

    /// <summary>
    /// Scales old ReplicaSets down as far as availability allows: what would leave fewer than replicas - maxUnavailable
    /// available pods, counting the new ReplicaSet's unavailable ones as missing, is not scaled away.
    /// </summary>
    private bool ReconcileOldReplicaSets(List<V1ReplicaSet> all, List<V1ReplicaSet> oldRSs, V1ReplicaSet newRS)
    {
        if (ReplicaSetMath.SpecSum(oldRSs) == 0)
        {
            return false;
        }

        var minAvailable = Fenceposts.Replicas(_d) - Fenceposts.MaxUnavailable(_d);
        var newUnavailable = ReplicaSetMath.Spec(newRS) - ReplicaSetMath.Available(newRS);
        var maxScaledDown = ReplicaSetMath.SpecSum(all) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return false;
        }

        // Unhealthy replicas first: removing them costs no availability, and left alone they would block the rollout.
        var cleaned = CleanupUnhealthyReplicas(oldRSs, maxScaledDown);
        var scaled = ScaleDownOldForRollingUpdate([.. oldRSs, newRS], oldRSs);
        return cleaned + scaled > 0;
    }

    private int CleanupUnhealthyReplicas(List<V1ReplicaSet> oldRSs, int maxCleanup)
    {
        oldRSs.Sort(ReplicaSetMath.ByCreation);
        var total = 0;
        foreach (var rs in oldRSs)
        {
            if (total >= maxCleanup)
            {
                break;
            }

            var spec = ReplicaSetMath.Spec(rs);
            if (spec == 0 || spec == ReplicaSetMath.Available(rs))
            {
                continue;
            }

            var down = Math.Min(maxCleanup - total, spec - ReplicaSetMath.Available(rs));
            ScaleAndRecord(rs, spec - down);
            total += down;
        }

        return total;
    }

    private int ScaleDownOldForRollingUpdate(List<V1ReplicaSet> all, List<V1ReplicaSet> oldRSs)
    {
        var minAvailable = Fenceposts.Replicas(_d) - Fenceposts.MaxUnavailable(_d);
        var available = ReplicaSetMath.AvailableSum(all);
        if (available <= minAvailable)
        {
            return 0;
        }

        oldRSs.Sort(ReplicaSetMath.ByCreation);
        var toScaleDown = available - minAvailable;
        var total = 0;
        foreach (var rs in oldRSs)
        {
            if (total >= toScaleDown)
            {
                break;
            }

            var spec = ReplicaSetMath.Spec(rs);
            if (spec == 0)
            {
                continue;
            }

            var down = Math.Min(spec, toScaleDown - total);
            ScaleAndRecord(rs, spec - down);
            total += down;
        }

        return total;
    }

    /// <summary>Old ReplicaSets to zero; once none of their pods runs, the new ReplicaSet (created only then) to the full count.</summary>
    private void RolloutRecreate()
    {
        var (newRS, oldRSs) = GetAll(create: false);
        var scaledDown = false;
        foreach (var rs in ReplicaSetMath.Active(oldRSs))
        {
            scaledDown |= ScaleAndRecord(rs, 0);
        }

        if (scaledDown || OldPodsRunning(newRS, oldRSs))
        {
            SyncRolloutStatus([.. oldRSs, newRS], newRS);
            return;
        }

        if (newRS is null)
        {
            (newRS, oldRSs) = GetAll(create: true);
            if (newRS is null)
            {
                return;
            }
        }

        ScaleAndRecord(newRS, Fenceposts.Replicas(_d));
        if (DeploymentConditions.Complete(_d, _d.Status))
        {
            CleanupOldReplicaSets(oldRSs);
        }

        SyncRolloutStatus([.. oldRSs, newRS], newRS);
    }

    /// <summary>
    /// Whether an old ReplicaSet still reports pods, or a pod of the deployment's ReplicaSets other than the new one
    /// has not finished (an Unknown phase counts: the pod may still run).
    /// </summary>
    private bool OldPodsRunning(V1ReplicaSet? newRS, List<V1ReplicaSet> oldRSs)
    {
        if (ReplicaSetMath.ActualSum(oldRSs) > 0)
        {
            return true;
        }

        var owned = _owned.Where(rs => !ReferenceEquals(rs, newRS) && rs.Metadata.Uid is not null).Select(rs => rs.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        return _pods.Any(pod => pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner && owned.Contains(owner.Uid)
            && pod.Status?.Phase is not ("Succeeded" or "Failed"));
    }
}

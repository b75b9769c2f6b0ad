using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>Scaling without a rollout, proportional scaling mid-rollout and old ReplicaSet cleanup (upstream's sync.go).</summary>
public sealed partial class DeploymentPlanner
{
    /// <summary>An active ReplicaSet was sized for another deployment size than the current one: spec.replicas changed.</summary>
    private bool IsScalingEvent()
    {
        var (newRS, oldRSs) = GetAll(create: false);
        return ReplicaSetMath.Active(oldRSs.Append(newRS)).Any(rs => Revisions.Desired(rs) is { } desired && desired != Fenceposts.Replicas(_d));
    }

    /// <summary>A scaling event, or a paused deployment: resize without rolling anything out (upstream's sync).</summary>
    private void SyncScale()
    {
        var (newRS, oldRSs) = GetAll(create: false);
        Scale(newRS, oldRSs);
        if (_d.Spec.Paused == true)
        {
            CleanupOldReplicaSets(oldRSs);
        }

        WriteStatusIfChanged(CalculateStatus([.. oldRSs, newRS], newRS));
    }

    /// <summary>
    /// Brings the ReplicaSets to the deployment's size: a single active (or latest) one takes the whole count; a
    /// saturated new one leaves the old ones nothing; mid-rollout, the difference to replicas + maxSurge is shared in
    /// proportion to each ReplicaSet's size (larger first; newer first up, older first down), leftovers to the first.
    /// </summary>
    private void Scale(V1ReplicaSet? newRS, List<V1ReplicaSet> oldRSs)
    {
        var replicas = Fenceposts.Replicas(_d);
        if (ReplicaSetMath.ActiveOrLatest(newRS, oldRSs) is { } only)
        {
            if (ReplicaSetMath.Spec(only) != replicas)
            {
                ScaleAndRecord(only, replicas);
            }

            return;
        }

        if (ReplicaSetMath.IsSaturated(_d, newRS))
        {
            foreach (var old in ReplicaSetMath.Active(oldRSs))
            {
                ScaleAndRecord(old, 0);
            }

            return;
        }

        if (!Fenceposts.IsRollingUpdate(_d))
        {
            return;
        }

        var active = ReplicaSetMath.Active(oldRSs.Append(newRS));
        var allowed = replicas > 0 ? replicas + Fenceposts.MaxSurge(_d) : 0;
        var toAdd = allowed - ReplicaSetMath.SpecSum(active);
        var operation = toAdd switch { > 0 => "up", < 0 => "down", _ => "" };
        active.Sort(toAdd > 0 ? ReplicaSetMath.BySizeNewer : ReplicaSetMath.BySizeOlder);

        var added = 0;
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rs in active)
        {
            var proportion = toAdd != 0 ? ReplicaSetMath.Proportion(rs, _d, toAdd, added) : 0;
            sizes[rs.Metadata.Name] = ReplicaSetMath.Spec(rs) + proportion;
            added += proportion;
        }

        for (var i = 0; i < active.Count; i++)
        {
            var rs = active[i];
            if (i == 0 && toAdd != 0)
            {
                sizes[rs.Metadata.Name] = Math.Max(0, sizes[rs.Metadata.Name] + toAdd - added);
            }

            ScaleReplicaSet(rs, sizes[rs.Metadata.Name], operation);
        }
    }

    /// <summary>Scales <paramref name="rs"/> to <paramref name="size"/> when that changes it (scaleReplicaSetAndRecordEvent); true when it did.</summary>
    private bool ScaleAndRecord(V1ReplicaSet rs, int size) =>
        ReplicaSetMath.Spec(rs) != size && ScaleReplicaSet(rs, size, ReplicaSetMath.Spec(rs) < size ? "up" : "down");

    /// <summary>Writes the size and the deployment size it is for when either changed; true when the size did (then the Event).</summary>
    private bool ScaleReplicaSet(V1ReplicaSet rs, int size, string operation)
    {
        var desired = Fenceposts.Replicas(_d);
        var max = desired + Fenceposts.MaxSurge(_d);
        var resize = ReplicaSetMath.Spec(rs) != size;
        if (!resize && !Revisions.ReplicasNeedUpdate(rs, desired, max))
        {
            return false;
        }

        var from = ReplicaSetMath.Spec(rs);
        rs.Spec.Replicas = size;
        Revisions.SetReplicas(rs, desired, max);
        Write(rs, resize ? PlannedEvent.Scaling($"Scaled {operation} replica set {rs.Metadata.Name} from {from} to {size}") : null);
        return resize;
    }

    /// <summary>
    /// Deletes the oldest revisions beyond spec.revisionHistoryLimit (cleanupDeployment), only those scaled to zero
    /// whose ReplicaSet controller has seen that and that have no pods left.
    /// </summary>
    private void CleanupOldReplicaSets(List<V1ReplicaSet> oldRSs)
    {
        if (_d.Spec.RevisionHistoryLimit is not { } limit || limit == int.MaxValue)
        {
            return;
        }

        var cleanable = oldRSs.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var excess = cleanable.Count - limit;
        if (excess <= 0)
        {
            return;
        }

        cleanable.Sort(ReplicaSetMath.ByRevision);
        foreach (var rs in cleanable.Take(excess))
        {
            // One scaled in this very sync is left for a later one, as upstream (which reads the size from before its write).
            if (ReplicaSetMath.Actual(rs) != 0 || ReplicaSetMath.Spec(rs) != 0 || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0)
                || _actions.Any(a => (a as UpdateReplicaSet)?.ReplicaSet.Metadata.Name == rs.Metadata.Name))
            {
                continue;
            }

            _actions.Add(new DeleteReplicaSet(rs.Metadata.Name));
        }
    }
}

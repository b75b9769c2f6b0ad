using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>Finding or creating the new ReplicaSet and keeping revisions in step (upstream's getNewReplicaSet).</summary>
public sealed partial class DeploymentPlanner
{
    /// <summary>
    /// The new ReplicaSet (template equal to the deployment's but for the hash) and the old ones (getAllReplicaSetsAndSyncRevision):
    /// an existing new one gets its revision raised above the old ones' and the deployment's annotations; with
    /// <paramref name="create"/> a missing one is created.
    /// </summary>
    private (V1ReplicaSet? New, List<V1ReplicaSet> Old) GetAll(bool create)
    {
        if (!_resolved)
        {
            _resolved = true;
            _owned.Sort(ReplicaSetMath.ByCreation);
            var existing = _owned.FirstOrDefault(rs => PodTemplateHash.EqualIgnoreHash(rs.Spec.Template, _d.Spec.Template));
            _old = [.. _owned.Where(rs => !ReferenceEquals(rs, existing))];
            _new = existing is null ? null : SyncExisting(existing);
        }

        if (create && _new is null)
        {
            _new = CreateNew();
        }

        return (_new, _old);
    }

    private V1ReplicaSet SyncExisting(V1ReplicaSet rs)
    {
        var newRevision = Revisions.MaxRevision(_old) + 1;
        var annotationsUpdated = Revisions.SetNewReplicaSetAnnotations(_d, rs, newRevision, exists: true);
        if (annotationsUpdated || (rs.Spec.MinReadySeconds ?? 0) != (_d.Spec.MinReadySeconds ?? 0))
        {
            // As upstream, the deployment takes the revision on the next sync, from the updated ReplicaSet.
            rs.Spec.MinReadySeconds = _d.Spec.MinReadySeconds;
            Write(rs);
            return rs;
        }

        SetRevision(rs.Metadata.Annotations[Revisions.Revision]);
        if (DeploymentConditions.HasProgressDeadline(_d) && DeploymentConditions.Get(_d.Status, DeploymentConditions.Progressing) is null)
        {
            DeploymentConditions.Set(_d.Status, Condition(DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewRSReason, $"Found new replica set \"{rs.Metadata.Name}\""));
        }

        return rs;
    }

    /// <summary>Creates the new ReplicaSet; null when its name is taken by another one (then <see cref="_collided"/>).</summary>
    private V1ReplicaSet? CreateNew()
    {
        var newRevision = Revisions.MaxRevision(_old) + 1;
        var hash = PodTemplateHash.Compute(_d.Spec.Template, _d.Status.CollisionCount);
        var name = _d.Metadata.Name + "-" + hash;
        if (_byName.TryGetValue(name, out var clash)
            && !(clash.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == _d.Metadata.Uid) == true && PodTemplateHash.EqualIgnoreHash(clash.Spec.Template, _d.Spec.Template)))
        {
            _d.Status.CollisionCount = (_d.Status.CollisionCount ?? 0) + 1;
            _collided = true;
            return null;
        }

        var template = Clone(_d.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [PodTemplateHash.Label] = hash };
        var selector = Clone(_d.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [PodTemplateHash.Label] = hash };
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = _d.Metadata.NamespaceProperty, OwnerReferences = [ControllerRef()],
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, MinReadySeconds = _d.Spec.MinReadySeconds, Selector = selector, Template = template },
        };
        var replicas = NewReplicas([.. _old, rs], rs);
        rs.Spec.Replicas = replicas;
        Revisions.SetNewReplicaSetAnnotations(_d, rs, newRevision, exists: false);
        _actions.Add(new CreateReplicaSet(Clone(rs), replicas > 0 ? [PlannedEvent.Scaling($"Scaled up replica set {name} from 0 to {replicas}")] : []));

        // The planner's copy stands for the stored one from here on: newest of all, no pods yet.
        rs.Metadata.CreationTimestamp = _stamp;
        rs.Status = new V1ReplicaSetStatus { Replicas = 0 };
        SetRevision(newRevision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (DeploymentConditions.HasProgressDeadline(_d))
        {
            DeploymentConditions.Set(_d.Status, Condition(DeploymentConditions.Progressing, "True", DeploymentConditions.NewRSReason, $"Created new replica set \"{name}\""));
        }

        return rs;
    }

    /// <summary>How many replicas the new ReplicaSet may have now (NewRSNewReplicas): up to the surge for a rolling update, all at once for Recreate.</summary>
    private int NewReplicas(IEnumerable<V1ReplicaSet> all, V1ReplicaSet newRS)
    {
        var replicas = Fenceposts.Replicas(_d);
        if (!Fenceposts.IsRollingUpdate(_d))
        {
            return replicas;
        }

        var maxTotal = replicas + Fenceposts.MaxSurge(_d);
        var current = ReplicaSetMath.SpecSum(all);
        return current >= maxTotal ? ReplicaSetMath.Spec(newRS) : ReplicaSetMath.Spec(newRS) + Math.Min(maxTotal - current, replicas - ReplicaSetMath.Spec(newRS));
    }

    private void SetRevision(string revision)
    {
        if (Revisions.SetDeploymentRevision(_d, revision))
        {
            _actions.RemoveAll(a => a is SetDeploymentRevision);
            _actions.Add(new SetDeploymentRevision(revision));
        }
    }
}

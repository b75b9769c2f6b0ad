using k8s.Models;

namespace Cluster.Controllers.StatefulSets;

/// <summary>
/// Upstream's persistentVolumeClaimRetentionPolicy (updateClaimOwnerRefForSetAndPod): which owners a pod's claims
/// name, so that the garbage collector deletes them when the policy says so. <c>whenDeleted: Delete</c> makes the set
/// an owner (the claims go with the set); <c>whenScaled: Delete</c> makes a pod beyond the replica count the owner of
/// its claims (they go with the pod), and the set no longer. Retain takes those references off again. Pure.
/// </summary>
public static class ClaimRetention
{
    private const string Delete = "Delete";

    /// <summary>The existing claims of the set's pods whose owner references must change, with the references they should have.</summary>
    public static List<UpdateClaimOwners> Plan(V1StatefulSet set, IReadOnlyList<V1Pod> pods, Func<string, V1PersistentVolumeClaim?> claim)
    {
        var changes = new List<UpdateClaimOwners>();
        if (set.Spec.VolumeClaimTemplates is not { Count: > 0 } templates)
        {
            return changes;
        }

        var policy = set.Spec.PersistentVolumeClaimRetentionPolicy;
        var start = StatefulPods.StartOrdinal(set);
        var count = set.Spec.Replicas ?? 1;
        foreach (var pod in pods)
        {
            var ordinal = StatefulPods.Ordinal(pod);
            if (ordinal < 0 || string.IsNullOrEmpty(pod.Metadata.Uid))
            {
                continue;
            }

            var scaledDown = ordinal < start || ordinal >= start + count;
            var podOwns = policy?.WhenScaled == Delete && scaledDown;
            var setOwns = policy?.WhenDeleted == Delete && !podOwns;
            foreach (var template in templates)
            {
                if (claim(StatefulPods.ClaimName(template.Metadata.Name, set.Metadata.Name, ordinal)) is not { } existing)
                {
                    continue;
                }

                var owners = existing.Metadata.OwnerReferences?.ToList() ?? [];
                var changed = Ensure(owners, setOwns, new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = set.Metadata.Name, Uid = set.Metadata.Uid });
                changed |= Ensure(owners, podOwns, new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid });
                if (changed)
                {
                    changes.Add(new UpdateClaimOwners(existing, owners));
                }
            }
        }

        return changes;
    }

    /// <summary>Adds or removes the reference to <paramref name="owner"/> (known by its uid); true when the list changed.</summary>
    private static bool Ensure(List<V1OwnerReference> owners, bool wanted, V1OwnerReference owner)
    {
        var present = owners.Any(o => o.Uid == owner.Uid);
        if (wanted && !present)
        {
            owners.Add(owner);
            return true;
        }

        return !wanted && owners.RemoveAll(o => o.Uid == owner.Uid) > 0;
    }
}

/// <summary>Sets a claim's owner references (<see cref="ClaimRetention"/>).</summary>
public sealed record UpdateClaimOwners(V1PersistentVolumeClaim Claim, IReadOnlyList<V1OwnerReference> Owners) : StatefulStep;

using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <param name="Owned">Pods it controls that its selector matches: its replicas.</param>
/// <param name="Adopt">Orphans its selector matches, to be given its controller reference.</param>
/// <param name="Release">Pods it controls that its selector no longer matches, to lose its reference.</param>
public sealed record PodClaim(IReadOnlyList<V1Pod> Owned, IReadOnlyList<V1Pod> Adopt, IReadOnlyList<V1Pod> Release);

/// <summary>
/// Which pods a replica set claims (upstream's PodControllerRefManager.ClaimPods, without its writes): a pod another
/// controller owns is left alone; an owned pod that still matches is kept and one that no longer does is released;
/// a matching orphan is adopted unless it is terminating. A set being deleted neither adopts nor releases, so the
/// garbage collector finds what it owned. Pure.
/// </summary>
public static class PodClaims
{
    public static PodClaim Plan(ReplicaSetView set, IEnumerable<V1Pod> pods)
    {
        List<V1Pod> owned = [], adopt = [], release = [];
        if (set.Selector is not { } selector)
        {
            return new PodClaim(owned, adopt, release);
        }

        foreach (var pod in pods)
        {
            var matches = selector.Matches(PodFacts.Labels(pod.Metadata));
            if (PodFacts.ControllerOf(pod.Metadata) is { } controller)
            {
                if (controller.Uid != set.Uid)
                {
                    continue;
                }

                if (matches)
                {
                    owned.Add(pod);
                }
                else if (!set.Deleting)
                {
                    release.Add(pod);
                }
            }
            else if (matches && !set.Deleting && pod.Metadata.DeletionTimestamp is null)
            {
                adopt.Add(pod);
            }
        }

        return new PodClaim(owned, adopt, release);
    }
}

using Cluster.Controllers.ReplicaSets;
using k8s.Models;

namespace Cluster.Controllers.DaemonSets;

public static partial class DaemonSetPlanner
{
    /// <summary>
    /// Upstream's rollingUpdate. Without surge, old pods are deleted (the manage of a later sync makes their new ones)
    /// while fewer than maxUnavailable nodes lack an available pod; an old pod not available goes at once. With surge,
    /// a new pod is made beside an old one on up to maxSurge nodes at a time (at once where the old one is not
    /// available), and the old one goes when the new one is available.
    /// </summary>
    public static DaemonPlan RollingUpdate(V1DaemonSet ds, IReadOnlyList<DaemonNode> nodes, string hash, DateTimeOffset now)
    {
        var desired = nodes.Count(n => n.ShouldRun);
        var maxSurge = SurgeCount(ds, desired);
        var maxUnavailable = UnavailableCount(ds, desired);
        if (desired > 0 && maxSurge == 0 && maxUnavailable == 0)
        {
            maxUnavailable = 1; // an impossible configuration: upstream accepts unavailability
        }

        // Upstream's nodeToDaemonPods there: nodes with daemon pods, and nodes that should run one.
        var considered = nodes.Where(n => n.ShouldRun || n.Pods.Count > 0).ToList();
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        return maxSurge == 0 ? WithoutSurge(ds, considered, hash, maxUnavailable, minReady, now) : WithSurge(ds, considered, hash, maxSurge, minReady, now);
    }

    private static DaemonPlan WithoutSurge(V1DaemonSet ds, List<DaemonNode> nodes, string hash, int maxUnavailable, int minReady, DateTimeOffset now)
    {
        var unavailable = 0;
        var replaceable = new List<V1Pod>();
        var candidates = new List<V1Pod>();
        foreach (var node in nodes)
        {
            if (!UpdatedPods(ds, node, hash, out var newPod, out var oldPod))
            {
                unavailable++; // the manage loop sorts this node out; until then it counts as unavailable
                continue;
            }

            if ((oldPod is null) == (newPod is null))
            {
                unavailable++;
            }
            else if (newPod is not null)
            {
                if (!PodFacts.IsAvailable(newPod, minReady, now))
                {
                    unavailable++;
                }
            }
            else if (!PodFacts.IsAvailable(oldPod!, minReady, now))
            {
                replaceable.Add(oldPod!);
            }
            else if (unavailable < maxUnavailable)
            {
                candidates.Add(oldPod!);
            }
        }

        var remaining = Math.Clamp(maxUnavailable - unavailable, 0, candidates.Count);
        return new DaemonPlan([], [.. replaceable, .. candidates.Take(remaining)]);
    }

    private static DaemonPlan WithSurge(V1DaemonSet ds, List<DaemonNode> nodes, string hash, int maxSurge, int minReady, DateTimeOffset now)
    {
        var surged = 0;
        var delete = new List<V1Pod>();
        var allowed = new List<string>();
        var candidates = new List<string>();
        foreach (var node in nodes)
        {
            if (!UpdatedPods(ds, node, hash, out var newPod, out var oldPod) || oldPod is null)
            {
                continue; // the manage loop handles it
            }

            if (newPod is null)
            {
                if (!PodFacts.IsAvailable(oldPod, minReady, now))
                {
                    if (!node.ShouldRun)
                    {
                        delete.Add(oldPod); // not available and no longer wanted here: no replacement
                    }
                    else
                    {
                        allowed.Add(node.Name);
                    }
                }
                else if (surged < maxSurge)
                {
                    candidates.Add(node.Name);
                }
            }
            else if (!PodFacts.IsAvailable(newPod, minReady, now))
            {
                surged++;
            }
            else
            {
                delete.Add(oldPod);
            }
        }

        var remaining = Math.Clamp(maxSurge - surged, 0, candidates.Count);
        return new DaemonPlan([.. allowed, .. candidates.Take(remaining)], delete);
    }

    /// <summary>Upstream's findUpdatedPodsOnNode: at most one new and one old live pod; false when there are more.</summary>
    private static bool UpdatedPods(V1DaemonSet ds, DaemonNode node, string hash, out V1Pod? newPod, out V1Pod? oldPod)
    {
        newPod = oldPod = null;
        var generation = DaemonPods.TemplateGeneration(ds);
        foreach (var pod in node.Pods.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            if (DaemonPods.IsUpdated(pod, hash, generation))
            {
                if (newPod is not null)
                {
                    return false;
                }

                newPod = pod;
            }
            else
            {
                if (oldPod is not null)
                {
                    return false;
                }

                oldPod = pod;
            }
        }

        return true;
    }
}

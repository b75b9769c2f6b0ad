using k8s.Models;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>Whether a pod's tolerations let it onto a node's taints (upstream's Toleration.ToleratesTaint and v1helper).</summary>
public static class TaintMatch
{
    /// <summary>Whether any of <paramref name="tolerations"/> tolerates <paramref name="taint"/> (upstream's TolerationsTolerateTaint).</summary>
    public static bool Tolerates(IList<V1Toleration>? tolerations, V1Taint taint)
    {
        if (tolerations is null)
        {
            return false;
        }

        for (var i = 0; i < tolerations.Count; i++)
        {
            if (ToleratesTaint(tolerations[i], taint))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Upstream's Toleration.ToleratesTaint: an empty effect matches every effect, an empty key every key (with
    /// <c>Exists</c> that tolerates all taints), and an unstated operator means <c>Equal</c>.
    /// </summary>
    public static bool ToleratesTaint(V1Toleration toleration, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key)
        {
            return false;
        }

        return toleration.OperatorProperty switch
        {
            null or "" or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            "Exists" => true,
            _ => false,
        };
    }

    /// <summary>
    /// Whether every taint that keeps pods off a node (<c>NoSchedule</c>, <c>NoExecute</c>) is tolerated; <c>PreferNoSchedule</c>
    /// only steers scoring, so it never excludes a node (upstream's FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc).
    /// </summary>
    public static bool ToleratesDoNotScheduleTaints(IList<V1Toleration>? tolerations, IList<V1Taint> taints)
    {
        for (var i = 0; i < taints.Count; i++)
        {
            var taint = taints[i];
            if (taint.Effect is "NoSchedule" or "NoExecute" && !Tolerates(tolerations, taint))
            {
                return false;
            }
        }

        return true;
    }
}

using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>
/// When a pod must leave its node for the node's NoExecute taints (upstream's tainteviction processPodOnNode): at once
/// when any taint is not tolerated; otherwise, once the shortest tolerationSeconds among the tolerations used has
/// passed since that taint was added; never when every taint is tolerated forever.
/// </summary>
public static class TaintEviction
{
    /// <summary>The time the pod is to be deleted, or null to keep it.</summary>
    public static DateTimeOffset? EvictAt(V1Pod pod, IList<V1Taint>? taints, DateTimeOffset now)
    {
        DateTimeOffset? at = null;
        foreach (var taint in taints ?? [])
        {
            if (taint.Effect != NodeTaints.NoExecute)
            {
                continue;
            }

            // Upstream takes the first toleration that matches each taint.
            if (pod.Spec?.Tolerations?.FirstOrDefault(t => TaintMatch.ToleratesTaint(t, taint)) is not { } used)
            {
                return now;
            }

            if (used.TolerationSeconds is not { } seconds)
            {
                continue;
            }

            // Counted from the taint's timeAdded, so a controller restart does not restart the count; a pod that came
            // to an already tainted node counts from its creation (upstream counts from when it sees the pod).
            var since = Later(taint.TimeAdded, pod.Metadata?.CreationTimestamp) ?? now;
            var due = seconds <= 0 ? now : since + TimeSpan.FromSeconds(seconds);
            at = at is null || due < at ? due : at;
        }

        return at;
    }

    private static DateTimeOffset? Later(DateTime? a, DateTime? b)
    {
        var later = a is null ? b : b is null || a > b ? a : b;
        return later is { } t ? new DateTimeOffset(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }
}

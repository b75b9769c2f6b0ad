using System.Text.Json;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling.Plugins;
using Cluster.Core.Registry.Cache;
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

    /// <summary>
    /// Whether a pod change can change its eviction (upstream's PodUpdated): a pod that is on a node now, and came there,
    /// or changed its tolerations, with this change; a resync (the same version) always is. A status write is not.
    /// </summary>
    public static bool Concerns(CachedObject? old, CachedObject now)
    {
        var node = Indexers.ByNodeName(now).FirstOrDefault();
        if (node is null)
        {
            return false;
        }

        return old is null || old.ResourceVersion == now.ResourceVersion || Indexers.ByNodeName(old).FirstOrDefault() != node || Tolerations(old) != Tolerations(now);
    }

    /// <summary>The pod's spec.tolerations as stored (the registry writes equal tolerations as equal text).</summary>
    private static string Tolerations(CachedObject pod)
    {
        using var document = JsonDocument.Parse(pod.Json);
        return document.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("tolerations", out var tolerations)
            ? tolerations.GetRawText()
            : "";
    }

    private static DateTimeOffset? Later(DateTime? a, DateTime? b)
    {
        var later = a is null ? b : b is null || a > b ? a : b;
        return later is { } t ? new DateTimeOffset(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }
}

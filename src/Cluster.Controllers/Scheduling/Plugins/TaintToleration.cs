using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// A node's NoSchedule and NoExecute taints keep out pods that do not tolerate them; PreferNoSchedule taints the pod
/// does not tolerate only lower the node's score (the fewer, the better).
/// </summary>
public sealed class TaintToleration : IFilterPlugin, IScorePlugin
{
    public string Name => "TaintToleration";

    public int Weight => 3;

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        var tolerations = pod.Pod.Spec?.Tolerations;
        foreach (var taint in node.Taints)
        {
            if (taint.Effect is "NoSchedule" or "NoExecute" && !TaintMatch.Tolerates(tolerations, taint))
            {
                return FilterResult.Unresolvable("node(s) had untolerated taint {" + taint.Key + ": " + taint.Value + "}");
            }
        }

        return FilterResult.Fits;
    }

    public void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot)
    {
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        var tolerations = pod.Pod.Spec?.Tolerations;
        long intolerable = 0;
        foreach (var taint in node.Taints)
        {
            if (taint.Effect == "PreferNoSchedule" && !ToleratesPreferNoSchedule(tolerations, taint))
            {
                intolerable++;
            }
        }

        return intolerable;
    }

    /// <summary>Only PreferNoSchedule tolerations (or effect-less ones) count against a PreferNoSchedule taint, as upstream's scoring filters them.</summary>
    private static bool ToleratesPreferNoSchedule(IList<k8s.Models.V1Toleration>? tolerations, k8s.Models.V1Taint taint)
    {
        foreach (var toleration in tolerations ?? [])
        {
            if ((string.IsNullOrEmpty(toleration.Effect) || toleration.Effect == "PreferNoSchedule") && TaintMatch.ToleratesTaint(toleration, taint))
            {
                return true;
            }
        }

        return false;
    }

    public void Normalize(CycleState state, PodInfo pod, Span<long> scores) => ScoreNormalizer.Default(scores, reverse: true);
}

using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>A cordoned node (<c>spec.unschedulable</c>) takes only pods that tolerate its <c>node.kubernetes.io/unschedulable:NoSchedule</c> taint.</summary>
public sealed class NodeUnschedulable : IFilterPlugin
{
    public const string Reason = "node(s) were unschedulable";
    public const string TaintKey = "node.kubernetes.io/unschedulable";

    /// <summary>The taint a cordoned node stands for, whether or not it carries it (upstream checks the same one).</summary>
    private static readonly k8s.Models.V1Taint UnschedulableTaint = new() { Key = TaintKey, Effect = "NoSchedule" };

    public string Name => "NodeUnschedulable";

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (!node.Unschedulable)
        {
            return FilterResult.Fits;
        }

        return TaintMatch.Tolerates(pod.Pod.Spec?.Tolerations, UnschedulableTaint) ? FilterResult.Fits : FilterResult.Unresolvable(Reason);
    }
}

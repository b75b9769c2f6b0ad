using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>A cordoned node (<c>spec.unschedulable</c>) takes only pods that tolerate its <c>node.kubernetes.io/unschedulable:NoSchedule</c> taint.</summary>
public sealed class NodeUnschedulable : IFilterPlugin
{
    public const string Reason = "node(s) were unschedulable";
    public const string TaintKey = "node.kubernetes.io/unschedulable";

    public string Name => "NodeUnschedulable";

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (!node.Unschedulable)
        {
            return FilterResult.Fits;
        }

        foreach (var toleration in pod.Pod.Spec?.Tolerations ?? [])
        {
            var keyMatches = toleration.Key == TaintKey || (string.IsNullOrEmpty(toleration.Key) && toleration.OperatorProperty == "Exists");
            if (keyMatches && (string.IsNullOrEmpty(toleration.Effect) || toleration.Effect == "NoSchedule")
                && (toleration.OperatorProperty == "Exists" || string.IsNullOrEmpty(toleration.Value)))
            {
                return FilterResult.Fits;
            }
        }

        return FilterResult.Unresolvable(Reason);
    }
}

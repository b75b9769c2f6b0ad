using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>A pod that names its node in <c>spec.nodeName</c> before scheduling fits only there (it skips the scheduler when bound, but not while pending).</summary>
public sealed class NodeName : IFilterPlugin
{
    public const string Reason = "node(s) didn't match the requested node name";

    public string Name => "NodeName";

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node) =>
        pod.NodeName is not { } wanted || wanted == node.Name ? FilterResult.Fits : FilterResult.Unresolvable(Reason);
}

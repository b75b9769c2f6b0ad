using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>A pod's host ports must be free on the node: same port and protocol conflict on the same address or on 0.0.0.0.</summary>
public sealed class NodePorts : IFilterPlugin
{
    public const string Reason = "node(s) didn't have free ports for the requested pod ports";

    public string Name => "NodePorts";

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        foreach (var wanted in pod.HostPorts)
        {
            foreach (var used in node.UsedPorts)
            {
                if (wanted.ConflictsWith(used))
                {
                    return FilterResult.Unschedulable(Reason);
                }
            }
        }

        return FilterResult.Fits;
    }
}

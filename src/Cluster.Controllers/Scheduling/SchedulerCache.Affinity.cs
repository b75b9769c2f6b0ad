using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// The nodes whose pods state inter-pod terms (upstream's HavePodsWithAffinityList and
/// HavePodsWithRequiredAntiAffinityList): a pod without terms of its own is scored and filtered against those nodes'
/// pods only, so a cycle visits the few nodes holding such pods instead of every node of the cluster.
/// </summary>
public sealed partial class SchedulerCache
{
    private readonly NodeList _withAffinity = new();
    private readonly NodeList _withRequiredAntiAffinity = new();

    public IReadOnlyList<NodeInfo> NodesWithAffinityPods => _withAffinity.Items;

    public IReadOnlyList<NodeInfo> NodesWithRequiredAntiAffinityPods => _withRequiredAntiAffinity.Items;

    private void AddTo(NodeInfo node, PodInfo pod)
    {
        node.AddPod(pod);
        IndexAffinity(node);
    }

    /// <summary>Puts the node in or out of the lists after its pods or its Node changed.</summary>
    private void IndexAffinity(NodeInfo node)
    {
        _withAffinity.Set(node, node.Node is not null && node.PodsWithAffinity.Count > 0);
        _withRequiredAntiAffinity.Set(node, node.Node is not null && node.PodsWithRequiredAntiAffinity.Count > 0);
    }
}

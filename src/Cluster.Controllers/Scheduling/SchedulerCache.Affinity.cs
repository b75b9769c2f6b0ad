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

    /// <summary>A set of nodes kept as a list (swap-remove), so a cycle walks it without allocating.</summary>
    private sealed class NodeList
    {
        private readonly List<NodeInfo> _items = [];
        private readonly Dictionary<NodeInfo, int> _index = new(ReferenceEqualityComparer.Instance);

        public IReadOnlyList<NodeInfo> Items => _items;

        public void Set(NodeInfo node, bool member)
        {
            if (member)
            {
                if (_index.TryAdd(node, _items.Count))
                {
                    _items.Add(node);
                }

                return;
            }

            if (!_index.Remove(node, out var at))
            {
                return;
            }

            var last = _items[^1];
            _items[at] = last;
            _items.RemoveAt(_items.Count - 1);
            if (!ReferenceEquals(last, node))
            {
                _index[last] = at;
            }
        }
    }
}

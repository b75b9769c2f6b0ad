using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// A set of nodes kept as a list, so a cycle walks it without allocating. Removal swaps the last node into the gap:
/// O(1), and the order only decides where a cycle starts looking.
/// </summary>
internal sealed class NodeList
{
    private readonly List<NodeInfo> _items = [];
    private readonly Dictionary<NodeInfo, int> _index = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<NodeInfo> Items => _items;

    /// <summary>Puts the node in (at the end, unless it is in already) or takes it out.</summary>
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

namespace Cluster.Controllers.GarbageCollection;

/// <summary>
/// Upstream's GraphBuilder's uidToNode, without its virtual nodes: every object of every watched kind by uid, and for
/// every uid named as an owner the objects naming it, whether or not an object with that uid exists. An owner that
/// never existed thus still has its dependents listed, which is how they are found once it is known to be absent.
/// Thread-safe; informer handlers write it, reconciles read it.
/// </summary>
public sealed class OwnershipGraph
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GraphNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _nodes.Count;
            }
        }
    }

    /// <summary>Adds or replaces the node with <paramref name="node"/>'s uid; its dependents index follows its owners.</summary>
    public void Upsert(GraphNode node)
    {
        lock (_lock)
        {
            if (_nodes.TryGetValue(node.Uid, out var old))
            {
                Unlink(old);
            }

            _nodes[node.Uid] = node;
            foreach (var owner in node.Owners)
            {
                if (!_dependents.TryGetValue(owner.Uid, out var set))
                {
                    _dependents[owner.Uid] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(node.Uid);
            }
        }
    }

    /// <summary>Removes the node; its own dependents stay listed under its uid (they now name an absent owner).</summary>
    public GraphNode? Remove(string uid)
    {
        lock (_lock)
        {
            if (!_nodes.Remove(uid, out var old))
            {
                return null;
            }

            Unlink(old);
            return old;
        }
    }

    public GraphNode? Get(string uid)
    {
        lock (_lock)
        {
            return _nodes.GetValueOrDefault(uid);
        }
    }

    /// <summary>The objects that name <paramref name="ownerUid"/> in their ownerReferences.</summary>
    public IReadOnlyList<GraphNode> Dependents(string ownerUid)
    {
        lock (_lock)
        {
            return _dependents.TryGetValue(ownerUid, out var set) ? [.. set.Select(u => _nodes[u])] : [];
        }
    }

    private void Unlink(GraphNode node)
    {
        foreach (var owner in node.Owners)
        {
            if (_dependents.TryGetValue(owner.Uid, out var set) && set.Remove(node.Uid) && set.Count == 0)
            {
                _dependents.Remove(owner.Uid);
            }
        }
    }
}

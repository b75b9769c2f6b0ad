namespace Cluster.Controllers.Events;

/// <summary>
/// A bounded map that forgets its least recently used entry (the groupcache LRU client-go's event caches use), so
/// a recorder's memory stays bounded however many objects it reports on. Not thread-safe: one writer owns it.
/// </summary>
internal sealed class Lru<TValue>(int capacity)
    where TValue : class
{
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, TValue Value)> _recent = new();

    public int Count => _byKey.Count;

    /// <summary>The value under <paramref name="key"/>, now the most recently used; null when absent.</summary>
    public TValue? Get(string key)
    {
        if (!_byKey.TryGetValue(key, out var node))
        {
            return null;
        }

        _recent.Remove(node);
        _recent.AddFirst(node);
        return node.Value.Value;
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, most recently used; the oldest entry goes when full.</summary>
    public void Put(string key, TValue value)
    {
        if (_byKey.TryGetValue(key, out var node))
        {
            _recent.Remove(node);
        }

        _byKey[key] = _recent.AddFirst((key, value));
        if (_byKey.Count > capacity && _recent.Last is { } oldest)
        {
            Remove(oldest.Value.Key);
        }
    }

    public void Remove(string key)
    {
        if (_byKey.Remove(key, out var node))
        {
            _recent.Remove(node);
        }
    }
}

using Cluster.Controllers.Framework;
using Cluster.Core.Registry.Cache;

namespace Cluster.Controllers.Informers;

/// <summary>An informer handler that only enqueues the keys a change concerns (<c>keys(old, now)</c>: old is null for an add, now for a delete).</summary>
public sealed class EnqueueHandler(ReconcileLoop loop, Func<CachedObject?, CachedObject?, IEnumerable<string>> keys) : IInformerHandler
{
    public void OnAdd(CachedObject obj) => Add(keys(null, obj));

    public void OnUpdate(CachedObject old, CachedObject now) => Add(keys(old, now));

    public void OnDelete(CachedObject last) => Add(keys(last, null));

    private void Add(IEnumerable<string> found)
    {
        foreach (var key in found)
        {
            loop.Enqueue(key);
        }
    }
}

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// A value computed from some kinds' watch caches (an authorizer's index, the DNS directory), asked for on every
/// request and so kept until one of those kinds changes: checking costs one volatile read per cache, and a change
/// rebuilds it once, the requests that waited for the rebuild getting the new value.
/// </summary>
/// <param name="caches">The caches the value is built from; asked on first use, when the registry serves.</param>
/// <param name="build">Builds the value from the caches as they are now.</param>
public sealed class CacheDerived<T>(Func<IReadOnlyList<KindCache>> caches, Func<T> build)
    where T : class
{
    private readonly Lock _building = new();
    private volatile Built? _current;

    /// <summary>How many times the value was built: the tests' way to see that other kinds' writes do not rebuild it.</summary>
    public int Builds { get; private set; }

    public T Value
    {
        get
        {
            var current = _current;
            if (current is not null && current.IsCurrent())
            {
                return current.Value;
            }

            lock (_building)
            {
                // Another request may have rebuilt it while this one waited.
                current = _current;
                if (current is not null && current.IsCurrent())
                {
                    return current.Value;
                }

                var sources = current?.Caches ?? caches();

                // The versions are read before the objects: a change landing during the build leaves them behind, so
                // the next request builds again rather than keep a value that misses it.
                var versions = sources.Select(c => c.LastChangeVersion).ToArray();
                var built = new Built(build(), sources, versions);
                _current = built;
                Builds++;
                return built.Value;
            }
        }
    }

    private sealed record Built(T Value, IReadOnlyList<KindCache> Caches, long[] Versions)
    {
        public bool IsCurrent()
        {
            for (var i = 0; i < Caches.Count; i++)
            {
                if (Caches[i].LastChangeVersion != Versions[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}

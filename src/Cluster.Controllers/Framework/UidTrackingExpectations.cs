namespace Cluster.Controllers.Framework;

/// <summary>
/// <see cref="Expectations"/> that know which objects they expect deleted (upstream's UIDTrackingControllerExpectations):
/// a pod is seen going twice, once when its deletion starts (deletionTimestamp set) and once when it is removed, and
/// only the first sighting of an expected one may lower the count; one nobody expected lowers nothing.
/// </summary>
public sealed class UidTrackingExpectations(TimeProvider clock)
{
    private readonly Expectations _counts = new(clock);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _deleting = new(StringComparer.Ordinal);

    /// <inheritdoc cref="Expectations.Satisfied"/>
    public bool Satisfied(string key) => _counts.Satisfied(key);

    /// <inheritdoc cref="Expectations.Get"/>
    public (int Adds, int Deletes)? Get(string key) => _counts.Get(key);

    /// <inheritdoc cref="Expectations.ExpectCreations"/>
    public void ExpectCreations(string key, int count) => _counts.ExpectCreations(key, count);

    /// <inheritdoc cref="Expectations.CreationObserved"/>
    public void CreationObserved(string key) => _counts.CreationObserved(key);

    /// <summary>The controller is about to delete the objects <paramref name="objectKeys"/> for <paramref name="key"/>.</summary>
    public void ExpectDeletions(string key, IReadOnlyCollection<string> objectKeys)
    {
        lock (_lock)
        {
            _deleting[key] = new HashSet<string>(objectKeys, StringComparer.Ordinal);
            _counts.ExpectDeletions(key, objectKeys.Count);
        }
    }

    /// <summary>Object <paramref name="objectKey"/> was seen going (or its delete failed); counts once, and only when expected.</summary>
    public void DeletionObserved(string key, string objectKey)
    {
        lock (_lock)
        {
            if (_deleting.TryGetValue(key, out var expected) && expected.Remove(objectKey))
            {
                _counts.DeletionObserved(key);
            }
        }
    }

    /// <inheritdoc cref="Expectations.Delete"/>
    public void Delete(string key)
    {
        lock (_lock)
        {
            _deleting.Remove(key);
            _counts.Delete(key);
        }
    }
}

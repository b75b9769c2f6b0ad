namespace Cluster.Controllers.Framework;

/// <summary>
/// Creations and deletions a controller has asked for but not yet seen come back through its informers (upstream's
/// ControllerExpectations): until they have, or until <see cref="Timeout"/> has passed without them, the controller
/// must not act on the key again, or it would create (or delete) the same pods twice from a stale cache.
/// </summary>
public sealed class Expectations(TimeProvider clock)
{
    /// <summary>Upstream's ExpectationsTimeout: expectations never met within it are given up (a watch event was lost).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pending> _byKey = new(StringComparer.Ordinal);

    /// <summary>Whether the controller may act on <paramref name="key"/>: nothing is pending, or what was is too old to wait for.</summary>
    public bool Satisfied(string key)
    {
        lock (_lock)
        {
            return !_byKey.TryGetValue(key, out var pending)
                || (pending.Adds <= 0 && pending.Deletes <= 0)
                || clock.GetUtcNow() - pending.SetAt > Timeout;
        }
    }

    /// <summary>The controller is about to create <paramref name="count"/> objects for <paramref name="key"/> (replacing what was expected).</summary>
    public void ExpectCreations(string key, int count) => Set(key, count, 0);

    /// <summary>The controller is about to delete <paramref name="count"/> objects for <paramref name="key"/> (replacing what was expected).</summary>
    public void ExpectDeletions(string key, int count) => Set(key, 0, count);

    /// <summary>An informer saw one of the expected objects created (or a create failed, so it never will be).</summary>
    public void CreationObserved(string key) => Lower(key, 1, 0);

    /// <summary>An informer saw one of the expected objects deleted (or a delete failed).</summary>
    public void DeletionObserved(string key) => Lower(key, 0, 1);

    /// <summary>The controlling object is gone: nothing more is expected for it.</summary>
    public void Delete(string key)
    {
        lock (_lock)
        {
            _byKey.Remove(key);
        }
    }

    /// <summary>What is still expected for <paramref name="key"/> (null: nothing recorded).</summary>
    public (int Adds, int Deletes)? Get(string key)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(key, out var p) ? (p.Adds, p.Deletes) : null;
        }
    }

    private void Set(string key, int adds, int deletes)
    {
        lock (_lock)
        {
            _byKey[key] = new Pending(adds, deletes, clock.GetUtcNow());
        }
    }

    private void Lower(string key, int adds, int deletes)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var p))
            {
                _byKey[key] = p with { Adds = p.Adds - adds, Deletes = p.Deletes - deletes };
            }
        }
    }

    private sealed record Pending(int Adds, int Deletes, DateTimeOffset SetAt);
}

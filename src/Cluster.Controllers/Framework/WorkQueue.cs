namespace Cluster.Controllers.Framework;

/// <summary>
/// The keys a controller has still to reconcile (client-go's workqueue): a key waits at most once however often it is
/// added, and a key being reconciled is never handed to a second worker; added again meanwhile, it waits until
/// <see cref="Done"/> and then goes to the back of the queue. Keys added with a delay wait on the injected clock.
/// <code>
///   absent ──Add──▶ queued ──Get──▶ processing ──Done──▶ absent
///                     ▲                 │ Add (dirty)
///                     └──────Done───────┘
/// </code>
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, (DateTimeOffset ReadyAt, ITimer Timer)> _waiting = [];
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _available = new(0);
    private bool _shuttingDown;

    public WorkQueue(TimeProvider clock) => _clock = clock;

    /// <summary>Keys queued and not yet taken (those waiting for a delay and those in process not counted).</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for their delay to pass.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shuttingDown || !_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>Adds <paramref name="key"/> once <paramref name="delay"/> has passed; a key already waiting keeps the earlier of the two times.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            var readyAt = _clock.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var waiting))
            {
                if (waiting.ReadyAt <= readyAt)
                {
                    return;
                }

                waiting.Timer.Dispose();
            }

            var timer = _clock.CreateTimer(_ => Ready(key), null, delay, Timeout.InfiniteTimeSpan);
            _waiting[key] = (readyAt, timer);
        }
    }

    /// <summary>The next key to reconcile, once there is one; null when the queue shuts down. Call <see cref="Done"/> after it.</summary>
    public async Task<TKey?> GetAsync(CancellationToken ct)
    {
        while (true)
        {
            await _available.WaitAsync(ct).ConfigureAwait(false);
            lock (_lock)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _processing.Add(key);
                    _dirty.Remove(key);
                    return key;
                }

                if (_shuttingDown)
                {
                    _available.Release(); // every other waiting worker wakes too
                    return default;
                }
            }
        }
    }

    /// <summary>The reconcile of <paramref name="key"/> ended: added again meanwhile, it is queued now.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (!_dirty.Contains(key) || _shuttingDown)
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>No more keys are accepted; workers get null once the queue is empty.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            foreach (var (_, waiting) in _waiting)
            {
                waiting.Timer.Dispose();
            }

            _waiting.Clear();
        }

        _available.Release();
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }

    private void Ready(TKey key)
    {
        lock (_lock)
        {
            if (!_waiting.Remove(key, out var waiting))
            {
                return;
            }

            waiting.Timer.Dispose();
        }

        Add(key);
    }
}

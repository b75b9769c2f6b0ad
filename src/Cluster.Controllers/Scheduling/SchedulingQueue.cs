using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// Pending pods waiting for a cycle (upstream's PriorityQueue): the active queue, highest priority then oldest
/// first; the back-off queue of pods that failed recently (1 s doubling to 10 s per attempt); and the unschedulable
/// pods, which wait for a cluster change that could make room (or five minutes) before they are tried again.
/// <code>
///   Add ──▶ active ──Pop──▶ in flight ──bound──▶ Done
///             ▲                  ├──fits nowhere──▶ unschedulable ──cluster change / 5 min──▶ backoff or active
///             └──back-off over── backoff ◀──error, or a change came while in flight──┘
/// </code>
/// </summary>
public sealed class SchedulingQueue(TimeProvider clock)
{
    private static readonly IReadOnlySet<string> NoPlugins = new HashSet<string>();

    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>How long an unschedulable pod waits without any cluster change before it is tried again (upstream's podMaxInUnschedulablePodsDuration).</summary>
    public static readonly TimeSpan MaxUnschedulableWait = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, QueuedPod> _pods = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(QueuedPod Pod, long Token), (int, long)> _active = new();
    private readonly PriorityQueue<(QueuedPod Pod, long Token), DateTimeOffset> _backoff = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private long _cycle;
    private long _moveRequestCycle = -1;
    private DateTimeOffset _lastLeftoverFlush;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pods.Count;
            }
        }
    }

    /// <summary>How many wait in each place: active, backing off, unschedulable.</summary>
    public (int Active, int Backoff, int Unschedulable) Depths
    {
        get
        {
            lock (_gate)
            {
                return (_pods.Values.Count(p => p.Where == Place.Active), _pods.Values.Count(p => p.Where == Place.Backoff), _pods.Values.Count(p => p.Where == Place.Unschedulable));
            }
        }
    }

    /// <summary>
    /// A pending pod, new or changed: queued if new; a waiting unschedulable pod is tried again when
    /// <paramref name="retry"/> says the change could matter (its spec or labels changed).
    /// </summary>
    public void AddOrUpdate(PodInfo pod, bool retry = true) => AddOrUpdate(pod, retry ? PodUpdate.Other : PodUpdate.None);

    /// <summary>
    /// A pending pod, new or changed: queued if new; a waiting unschedulable pod is tried again when a plugin that
    /// refused it cares about <paramref name="change"/> (<see cref="QueueingHints"/>).
    /// </summary>
    public void AddOrUpdate(PodInfo pod, PodUpdate change)
    {
        lock (_gate)
        {
            if (!_pods.TryGetValue(pod.Key, out var queued))
            {
                queued = new QueuedPod(pod, clock.GetUtcNow());
                _pods[pod.Key] = queued;
                ToActive(queued);
                return;
            }

            queued.Info = pod;
            if (queued.Where == Place.Unschedulable && QueueingHints.WorthRetrying(queued.UnschedulablePlugins, change))
            {
                ToBackoffOrActive(queued);
            }
        }
    }

    public void Delete(string key)
    {
        lock (_gate)
        {
            // Entries left in the heaps are skipped when their token no longer matches.
            if (_pods.Remove(key, out var queued))
            {
                queued.Where = Place.Gone;
            }
        }
    }

    /// <summary>Waits for the next pod to schedule, moving pods whose back-off is over (or long unschedulable) first.</summary>
    public async Task<QueuedPod> PopAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wake;
            TimeSpan wait;
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                FlushBackoff(now);
                FlushLongUnschedulable(now);
                while (_active.TryDequeue(out var entry, out _))
                {
                    if (entry.Pod.Token == entry.Token && entry.Pod.Where == Place.Active)
                    {
                        entry.Pod.Where = Place.InFlight;
                        entry.Pod.Attempts++;
                        entry.Pod.LastAttempt = now;
                        entry.Pod.PoppedInCycle = ++_cycle;
                        return entry.Pod;
                    }
                }

                wake = _wake.Task;
                wait = _backoff.TryPeek(out _, out var due) ? Max(due - now, TimeSpan.FromMilliseconds(1)) : TimeSpan.FromSeconds(30);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(wait, clock, timeout.Token);
            await Task.WhenAny(wake, delay).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The pod is bound (or gone): it leaves the queue.</summary>
    public void Done(QueuedPod pod)
    {
        lock (_gate)
        {
            if (_pods.TryGetValue(pod.Info.Key, out var current) && current == pod)
            {
                _pods.Remove(pod.Info.Key);
                pod.Where = Place.Gone;
            }
        }
    }

    /// <summary>
    /// The pod fits nowhere now. It waits for a cluster change, unless one came while it was in flight: then the
    /// change may already have made room and it only backs off.
    /// </summary>
    /// <param name="plugins">The plugins that refused it (empty: unknown).</param>
    public void Unschedulable(QueuedPod pod, IReadOnlySet<string>? plugins = null)
    {
        lock (_gate)
        {
            if (!IsCurrent(pod))
            {
                return;
            }

            pod.UnschedulablePlugins = plugins ?? NoPlugins;

            if (_moveRequestCycle >= pod.PoppedInCycle)
            {
                ToBackoff(pod);
            }
            else
            {
                pod.Where = Place.Unschedulable;
                pod.UnschedulableSince = clock.GetUtcNow();
            }
        }
    }

    /// <summary>Scheduling or binding failed for a reason other than fit: try again after the back-off.</summary>
    public void Retry(QueuedPod pod)
    {
        lock (_gate)
        {
            if (IsCurrent(pod))
            {
                ToBackoff(pod);
            }
        }
    }

    /// <summary>Something changed that could make room (a node came or changed, a pod went): every unschedulable pod is tried again.</summary>
    public void MoveAllUnschedulable()
    {
        lock (_gate)
        {
            _moveRequestCycle = _cycle;
            foreach (var pod in _pods.Values)
            {
                if (pod.Where == Place.Unschedulable)
                {
                    ToBackoffOrActive(pod);
                }
            }
        }
    }

    private bool IsCurrent(QueuedPod pod) => _pods.TryGetValue(pod.Info.Key, out var current) && current == pod && pod.Where == Place.InFlight;

    private void ToBackoffOrActive(QueuedPod pod)
    {
        if (BackoffEnds(pod) > clock.GetUtcNow())
        {
            ToBackoff(pod);
        }
        else
        {
            ToActive(pod);
        }
    }

    private void ToActive(QueuedPod pod)
    {
        pod.Where = Place.Active;
        pod.Token = ++_sequence;
        _active.Enqueue((pod, pod.Token), (-pod.Info.Priority, pod.Token));
        _wake.TrySetResult();
        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void ToBackoff(QueuedPod pod)
    {
        pod.Where = Place.Backoff;
        pod.Token = ++_sequence;
        _backoff.Enqueue((pod, pod.Token), BackoffEnds(pod));
        _wake.TrySetResult();
        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private DateTimeOffset BackoffEnds(QueuedPod pod)
    {
        var backoff = InitialBackoff;
        for (var i = 1; i < pod.Attempts && backoff < MaxBackoff; i++)
        {
            backoff *= 2;
        }

        return pod.LastAttempt + Min(backoff, MaxBackoff);
    }

    private void FlushBackoff(DateTimeOffset now)
    {
        while (_backoff.TryPeek(out var entry, out var due) && due <= now)
        {
            _backoff.Dequeue();
            if (entry.Pod.Token == entry.Token && entry.Pod.Where == Place.Backoff)
            {
                ToActive(entry.Pod);
            }
        }
    }

    private void FlushLongUnschedulable(DateTimeOffset now)
    {
        // A scan of every pending pod: at most every few seconds, not per pop.
        if (now - _lastLeftoverFlush < TimeSpan.FromSeconds(5))
        {
            return;
        }

        _lastLeftoverFlush = now;
        foreach (var pod in _pods.Values)
        {
            if (pod.Where == Place.Unschedulable && now - pod.UnschedulableSince >= MaxUnschedulableWait)
            {
                ToBackoffOrActive(pod);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public enum Place
    {
        Active,
        Backoff,
        Unschedulable,
        InFlight,
        Gone,
    }

    /// <summary>A pending pod with its queue bookkeeping.</summary>
    public sealed class QueuedPod(PodInfo info, DateTimeOffset added)
    {
        public PodInfo Info { get; set; } = info;

        public DateTimeOffset Added { get; } = added;

        public int Attempts { get; set; }

        public DateTimeOffset LastAttempt { get; set; } = added;

        public Place Where { get; set; }

        internal long Token { get; set; }

        internal long PoppedInCycle { get; set; }

        internal DateTimeOffset UnschedulableSince { get; set; }

        /// <summary>The plugins that refused the pod in its last attempt (empty: unknown).</summary>
        public IReadOnlySet<string> UnschedulablePlugins { get; internal set; } = NoPlugins;
    }
}

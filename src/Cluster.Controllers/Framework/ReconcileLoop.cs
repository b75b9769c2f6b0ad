using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Framework;

/// <summary>One controller's reconcile of one key: re-read desired and observed state, act, write status. Idempotent.</summary>
public interface IReconciler
{
    /// <summary>The controller's name (as upstream's: "replicaset", "deployment", ...), for logs and stats.</summary>
    string Name { get; }

    /// <summary>Brings <paramref name="key"/> (namespace/name) to its desired state; throwing requeues it with back-off.</summary>
    Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct);
}

/// <param name="RequeueAfter">Reconcile the key again after this long even if nothing changes (a deadline, a schedule).</param>
public sealed record ReconcileResult(TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done { get; } = new();
}

/// <summary>A controller's queue depth and reconcile figures.</summary>
public sealed record ControllerStats(string Name, int QueueDepth, int Waiting, long Reconciles, long Failures, TimeSpan TotalLatency, TimeSpan MaxLatency);

/// <summary>
/// The reconcile-per-key engine: event handlers only <see cref="Enqueue"/> keys; <c>workers</c> workers take keys from
/// one <see cref="WorkQueue{TKey}"/> (so one key never reconciles on two at once) and call the reconciler; a failure
/// requeues the key after the rate limiter's delay, a success forgets its failures.
/// </summary>
public sealed partial class ReconcileLoop : IAsyncDisposable
{
    private readonly IReconciler _reconciler;
    private readonly int _workers;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly IRateLimiter<string> _limiter;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _statsLock = new();
    private Task[] _running = [];
    private long _reconciles;
    private long _failures;
    private TimeSpan _totalLatency;
    private TimeSpan _maxLatency;

    public ReconcileLoop(IReconciler reconciler, int workers, TimeProvider clock, ILogger logger, IRateLimiter<string>? limiter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _reconciler = reconciler;
        _workers = workers;
        _clock = clock;
        _logger = logger;
        _limiter = limiter ?? RateLimiters.DefaultController<string>(clock);
        Queue = new WorkQueue<string>(clock);
    }

    public WorkQueue<string> Queue { get; }

    public ControllerStats Stats
    {
        get
        {
            lock (_statsLock)
            {
                return new ControllerStats(_reconciler.Name, Queue.Depth, Queue.Waiting, _reconciles, _failures, _totalLatency, _maxLatency);
            }
        }
    }

    public void Enqueue(string key) => Queue.Add(key);

    /// <summary>Starts the workers (once).</summary>
    public void Start()
    {
        if (_running.Length == 0)
        {
            _running = [.. Enumerable.Range(0, _workers).Select(_ => Task.Run(() => WorkAsync(_stopping.Token), CancellationToken.None))];
        }
    }

    /// <summary>Stops taking keys, cancels the reconciles under way and waits for the workers.</summary>
    public async ValueTask DisposeAsync()
    {
        Queue.ShutDown();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running).ConfigureAwait(false);
        _stopping.Dispose();
        Queue.Dispose();
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (true)
        {
            string? key;
            try
            {
                key = await Queue.GetAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (key is null)
            {
                return;
            }

            var started = _clock.GetTimestamp();
            var failed = false;
            try
            {
                var result = await _reconciler.ReconcileAsync(key, ct).ConfigureAwait(false);
                _limiter.Forget(key);
                if (result.RequeueAfter is { } after)
                {
                    Queue.AddAfter(key, after);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Queue.Done(key);
                return;
            }
            catch (Exception e)
            {
                failed = true;
                var delay = _limiter.When(key);
                LogFailed(_logger, e, _reconciler.Name, key, _limiter.Requeues(key), delay);
                Queue.AddAfter(key, delay);
            }

            Record(_clock.GetElapsedTime(started), failed);
            Queue.Done(key);
        }
    }

    private void Record(TimeSpan latency, bool failed)
    {
        lock (_statsLock)
        {
            _reconciles++;
            _failures += failed ? 1 : 0;
            _totalLatency += latency;
            _maxLatency = latency > _maxLatency ? latency : _maxLatency;
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Controller {Controller}: reconciling {Key} failed (retry {Retry} in {Delay})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string controller, string key, int retry, TimeSpan delay);
}

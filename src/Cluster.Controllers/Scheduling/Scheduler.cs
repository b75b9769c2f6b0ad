using Cluster.Controllers.Events;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling.Framework;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Scheduling;

/// <summary>What the scheduler has done since it started: counts, queue depth, and where the time went.</summary>
public sealed record SchedulerStats(long Scheduled, long Unschedulable, long BindFailures, int Pending, int NodeCount, long Cycles, TimeSpan CycleTime, TimeSpan BindTime, TimeSpan MaxBindTime)
{
    public TimeSpan MeanCycle => Cycles == 0 ? TimeSpan.Zero : CycleTime / Cycles;

    public TimeSpan MeanBind => Scheduled + BindFailures == 0 ? TimeSpan.Zero : BindTime / (Scheduled + BindFailures);
}

/// <summary>
/// The scheduler (kube-scheduler's loop): pending pods come from the pod informer into the <see cref="SchedulingQueue"/>;
/// one cycle at a time picks a node (<see cref="SchedulingAlgorithm"/>) on the <see cref="SchedulerCache"/>, assumes
/// the pod there and goes on while the binding is written in the background; a pod that fits nowhere gets
/// PodScheduled=False and a FailedScheduling event and waits for a change in the cluster.
/// </summary>
public sealed partial class Scheduler : IAsyncDisposable
{
    private readonly InformerFactory _informers;
    private readonly IPodBinder _binder;
    private readonly EventRecorder? _events;
    private readonly SchedulingAlgorithm _algorithm;
    private readonly Preemption.Preemptor _preemptor;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _bindings;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private SerialHandler[] _handlers = [];
    private long _scheduled;
    private long _unschedulable;
    private long _bindFailures;
    private long _cycles;
    private long _cycleTicks;
    private long _bindTicks;
    private long _maxBindTicks;

    public Scheduler(InformerFactory informers, IPodBinder binder, EventRecorder? events, SchedulerProfile profile, SchedulerSettings settings, TimeProvider clock, ILogger logger, Random random)
    {
        _informers = informers;
        _binder = binder;
        _events = events;
        _algorithm = new SchedulingAlgorithm(profile, random);
        _preemptor = new Preemption.Preemptor(_algorithm, random);
        _clock = clock;
        _logger = logger;
        _bindings = new SemaphoreSlim(settings.ParallelBindings);
        Queue = new SchedulingQueue(clock);
    }

    public SchedulerCache Cache { get; } = new();

    public SchedulingQueue Queue { get; }

    public SchedulerStats Stats
    {
        get
        {
            int nodes;
            lock (Cache.Lock)
            {
                nodes = Cache.Nodes.Count;
            }

            return new SchedulerStats(
                Interlocked.Read(ref _scheduled), Interlocked.Read(ref _unschedulable), Interlocked.Read(ref _bindFailures), Queue.Count, nodes,
                Interlocked.Read(ref _cycles), _clock.GetElapsedTime(0, Interlocked.Read(ref _cycleTicks)), _clock.GetElapsedTime(0, Interlocked.Read(ref _bindTicks)),
                _clock.GetElapsedTime(0, Interlocked.Read(ref _maxBindTicks)));
        }
    }

    /// <summary>Starts the cycles; the informers must have been given the handlers (<see cref="Watch"/>) and have listed.</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var handler in _handlers)
        {
            await handler.DisposeAsync().ConfigureAwait(false);
        }

        // Bindings in flight finish (or fail) on their own; nothing waits on them.
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            // The informers have listed: the first cycle sees every node and bound pod they listed.
            foreach (var handler in _handlers)
            {
                await handler.WaitHandledAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!ct.IsCancellationRequested)
        {
            SchedulingQueue.QueuedPod queued;
            try
            {
                queued = await Queue.PopAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ScheduleOneAsync(queued, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogCycleFailed(_logger, e, queued.Info.Key);
                Queue.Retry(queued);
            }
        }
    }

    /// <summary>One cycle: decide under the cache lock, assume, and leave the binding to the background.</summary>
    private async Task ScheduleOneAsync(SchedulingQueue.QueuedPod queued, CancellationToken ct)
    {
        var pod = queued.Info;
        ScheduleResult result;
        PodInfo? assumed = null;
        PreemptionPlan? preemption = null;
        var started = _clock.GetTimestamp();
        lock (Cache.Lock)
        {
            if (Cache.Contains(pod.Uid))
            {
                // Bound already (the informer said so while the pod waited): nothing to decide.
                Queue.Done(queued);
                return;
            }

            result = _algorithm.Schedule(pod, Cache);
            if (result.Node is { } node)
            {
                assumed = pod.AssumedOn(node);
                Cache.ClearNomination(pod.Uid);
                Cache.Assume(assumed);
            }
            else
            {
                preemption = PlanPreemption(pod, result.Error!);
            }
        }

        Interlocked.Increment(ref _cycles);
        Interlocked.Add(ref _cycleTicks, _clock.GetTimestamp() - started);

        if (assumed is null)
        {
            Interlocked.Increment(ref _unschedulable);
            Queue.Unschedulable(queued, result.Error!.Plugins);
            await ReportUnschedulableAsync(pod, result.Error!, ct).ConfigureAwait(false);
            if (preemption is not null)
            {
                await CarryOutAsync(pod, preemption, ct).ConfigureAwait(false);
            }

            return;
        }

        // Bindings overlap: the next cycle starts as soon as a slot is free, already counting this pod on its node.
        await _bindings.WaitAsync(ct).ConfigureAwait(false);
        _ = BindAsync(queued, assumed, ct);
    }

    private async Task BindAsync(SchedulingQueue.QueuedPod queued, PodInfo assumed, CancellationToken ct)
    {
        var started = _clock.GetTimestamp();
        try
        {
            await _binder.BindAsync(assumed.Namespace, assumed.Name, assumed.NodeName!, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _scheduled);
            Queue.Done(queued);
            _events?.Normal(Reference(assumed), "Scheduled", $"Successfully assigned {assumed.Key} to {assumed.NodeName}");
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _bindFailures);
            lock (Cache.Lock)
            {
                Cache.Forget(assumed.Uid);
            }

            if (!ct.IsCancellationRequested)
            {
                LogBindFailed(_logger, e, assumed.Key, assumed.NodeName!);
                Queue.Retry(queued);
                Queue.MoveAllUnschedulable();
            }
        }
        finally
        {
            var ticks = _clock.GetTimestamp() - started;
            Interlocked.Add(ref _bindTicks, ticks);
            for (var max = Interlocked.Read(ref _maxBindTicks); ticks > max; max = Interlocked.Read(ref _maxBindTicks))
            {
                Interlocked.CompareExchange(ref _maxBindTicks, ticks, max);
            }

            _bindings.Release();
        }
    }

    private async Task ReportUnschedulableAsync(PodInfo pod, FitError error, CancellationToken ct)
    {
        var message = error.Message;
        _events?.Warning(Reference(pod), "FailedScheduling", message);
        var current = pod.Pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (current is { Status: "False", Reason: "Unschedulable" } && current.Message == message)
        {
            return;
        }

        try
        {
            await _binder.MarkUnschedulableAsync(pod.Namespace, pod.Name, message, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The pod may be gone or changed; its next cycle writes the condition again.
            LogConditionFailed(_logger, e, pod.Key);
        }
    }

    private static k8s.Models.V1ObjectReference Reference(PodInfo pod) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        NamespaceProperty = pod.Namespace,
        Name = pod.Name,
        Uid = pod.Uid,
        ResourceVersion = pod.Pod.Metadata?.ResourceVersion,
    };

    [LoggerMessage(EventId = 7601, Level = LogLevel.Warning, Message = "Scheduling cycle for pod {Pod} failed; retrying after back-off")]
    private static partial void LogCycleFailed(ILogger logger, Exception e, string pod);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Information, Message = "Binding pod {Pod} to node {Node} failed; retrying after back-off")]
    private static partial void LogBindFailed(ILogger logger, Exception e, string pod, string node);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Debug, Message = "Writing the Unschedulable condition of pod {Pod} failed")]
    private static partial void LogConditionFailed(ILogger logger, Exception e, string pod);
}

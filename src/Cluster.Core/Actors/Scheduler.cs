using Microsoft.Extensions.Logging;

namespace Cluster.Core.Actors;

/// <summary>A scheduled action that can be cancelled.</summary>
public interface ICancelable
{
    bool IsCancellationRequested { get; }

    void Cancel();
}

/// <summary>
/// Sends messages later or repeatedly (Akka's ITellScheduler), on the system's
/// <see cref="TimeProvider"/>: a manual clock in tests makes every schedule deterministic.
/// </summary>
public sealed class Scheduler(TimeProvider timeProvider, ILogger logger)
{
    public ICancelable ScheduleTellOnceCancelable(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, () => receiver.Tell(message, sender), once: true);

    public void ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender) =>
        ScheduleTellOnceCancelable(delay, receiver, message, sender);

    public ICancelable ScheduleTellRepeatedlyCancelable(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        }

        return Schedule(initialDelay, interval, () => receiver.Tell(message, sender), once: false);
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, action, once: true);

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action) =>
        Schedule(initialDelay, interval, action, once: false);

    private ScheduledTimer Schedule(TimeSpan delay, TimeSpan period, Action action, bool once)
    {
        ArgumentNullException.ThrowIfNull(action);
        var scheduled = new ScheduledTimer(action, once, logger);
        scheduled.Start(timeProvider, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, period);
        return scheduled;
    }

    private sealed class ScheduledTimer(Action action, bool once, ILogger logger) : ICancelable
    {
        private ITimer? _timer;
        private int _cancelled;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Start(TimeProvider provider, TimeSpan delay, TimeSpan period)
        {
            var timer = provider.CreateTimer(static s => ((ScheduledTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer = timer;
            timer.Change(delay, period);
        }

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
            {
                _timer?.Dispose();
            }
        }

        private void Fire()
        {
            if (IsCancellationRequested)
            {
                return;
            }

            if (once)
            {
                Cancel();
            }

            try
            {
                action();
            }
            catch (Exception e)
            {
                // A timer thread must never carry an exception out: it would end the process.
                ActorLog.ScheduledActionFailed(logger, e);
            }
        }
    }
}

namespace Cluster.Core.Actors;

/// <summary>Actors that implement this get keyed timers, assigned by the runtime right after construction.</summary>
public interface IWithTimers
{
    ITimerScheduler Timers { get; set; }
}

/// <summary>
/// Keyed timers that send messages to the actor itself. Starting a key replaces its timer;
/// a message from a cancelled or replaced timer is never delivered; all stop with the actor.
/// Time comes from the system's <see cref="TimeProvider"/>, so tests can drive it by hand.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan timeout);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}

/// <summary>A timer's message in flight, tagged with the generation of the timer that sent it.</summary>
internal sealed record TimerMessage(object Key, int Generation, object Message, TimerScheduler Owner) : IAutoReceivedMessage;

internal sealed class TimerScheduler(IActorRef self, TimeProvider timeProvider) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    public void StartSingleTimer(object key, object message, TimeSpan timeout) =>
        Start(key, message, timeout, Timeout.InfiniteTimeSpan, repeat: false);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) =>
        Start(key, message, interval, interval, repeat: true);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval, repeat: true);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>The payload to deliver, or null when the timer was cancelled or replaced meanwhile.</summary>
    internal object? Intercept(TimerMessage message)
    {
        if (!ReferenceEquals(message.Owner, this) ||
            !_timers.TryGetValue(message.Key, out var entry) ||
            entry.Generation != message.Generation)
        {
            return null;
        }

        if (!entry.Repeat)
        {
            _timers.Remove(message.Key);
            entry.Timer.Dispose();
        }

        return message.Message;
    }

    private void Start(object key, object message, TimeSpan dueTime, TimeSpan period, bool repeat)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var generation = ++_generation;
        var tagged = new TimerMessage(key, generation, message, this);
        var timer = timeProvider.CreateTimer(
            static state =>
            {
                var (target, msg) = ((IActorRef, TimerMessage))state!;
                target.Tell(msg, null);
            },
            (self, tagged),
            dueTime,
            period);
        _timers[key] = new Entry(timer, generation, repeat);
    }

    private sealed record Entry(ITimer Timer, int Generation, bool Repeat);
}

namespace Cluster.Core.Actors;

/// <summary>
/// State that most actors never use (watches, stash, timers, receive timeout, async handlers,
/// restart bookkeeping) lives in one object allocated on first use, which keeps an idle actor
/// small. The accessors keep the field names the other partials use; all run on the actor's thread.
/// </summary>
internal sealed partial class ActorCell
{
    private CellExtras? _extras;

    private CellExtras Extras => _extras ??= new CellExtras();

    private List<Receive>? _behaviorStack
    {
        get => _extras?.BehaviorStack;
        set => SetExtra(value, static (e, v) => e.BehaviorStack = v);
    }

    /// <summary>Watched actors and the custom message (WatchWith) to deliver, or null for Terminated.</summary>
    private Dictionary<IActorRef, object?>? _watching
    {
        get => _extras?.Watching;
        set => SetExtra(value, static (e, v) => e.Watching = v);
    }

    private HashSet<IActorRef>? _watchedBy
    {
        get => _extras?.WatchedBy;
        set => SetExtra(value, static (e, v) => e.WatchedBy = v);
    }

    private Dictionary<IActorRef, object?>? _terminatedQueued
    {
        get => _extras?.TerminatedQueued;
        set => SetExtra(value, static (e, v) => e.TerminatedQueued = v);
    }

    private Exception? _recreateCause
    {
        get => _extras?.RecreateCause;
        set => SetExtra(value, static (e, v) => e.RecreateCause = v);
    }

    private object? _failedMessage
    {
        get => _extras?.FailedMessage;
        set => SetExtra(value, static (e, v) => e.FailedMessage = v);
    }

    private ActorTaskScheduler? _taskScheduler
    {
        get => _extras?.TaskScheduler;
        set => SetExtra(value, static (e, v) => e.TaskScheduler = v);
    }

    private object? _asyncMessage
    {
        get => _extras?.AsyncMessage;
        set => SetExtra(value, static (e, v) => e.AsyncMessage = v);
    }

    private IActorRef? _asyncSender
    {
        get => _extras?.AsyncSender;
        set => SetExtra(value, static (e, v) => e.AsyncSender = v);
    }

    private TimeSpan? _receiveTimeout
    {
        get => _extras?.ReceiveTimeout;
        set => SetExtra(value, static (e, v) => e.ReceiveTimeout = v);
    }

    private ITimer? _receiveTimeoutTimer
    {
        get => _extras?.ReceiveTimeoutTimer;
        set => SetExtra(value, static (e, v) => e.ReceiveTimeoutTimer = v);
    }

    private TimerScheduler? _timers
    {
        get => _extras?.Timers;
        set => SetExtra(value, static (e, v) => e.Timers = v);
    }

    private ActorStash? _stash
    {
        get => _extras?.Stash;
        set => SetExtra(value, static (e, v) => e.Stash = v);
    }

    /// <summary>Writes an extra; clearing one that was never set allocates nothing.</summary>
    private void SetExtra<T>(T? value, Action<CellExtras, T?> set)
    {
        if (value is not null || _extras is not null)
        {
            set(Extras, value);
        }
    }

    private sealed class CellExtras
    {
        public List<Receive>? BehaviorStack;
        public Dictionary<IActorRef, object?>? Watching;
        public HashSet<IActorRef>? WatchedBy;
        public Dictionary<IActorRef, object?>? TerminatedQueued;
        public Exception? RecreateCause;
        public object? FailedMessage;
        public ActorTaskScheduler? TaskScheduler;
        public object? AsyncMessage;
        public IActorRef? AsyncSender;
        public TimeSpan? ReceiveTimeout;
        public ITimer? ReceiveTimeoutTimer;
        public TimerScheduler? Timers;
        public ActorStash? Stash;
    }
}

namespace Cluster.Core.Actors;

/// <summary>
/// The temporary ref behind Ask (under <c>/temp</c>): its first reply completes the task;
/// later replies are dead letters. Continuations never run on the replying actor's thread.
/// </summary>
internal sealed class PromiseActorRef<T> : MinimalActorRef
{
    private readonly TaskCompletionSource<T> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystem _system;
    private readonly ActorPath _path;
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _cancellation;

    public PromiseActorRef(ActorSystem system, ActorPath path, ICanTell target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _system = system;
        _path = path;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(
                static state =>
                {
                    var (self, token) = ((PromiseActorRef<T>, CancellationToken))state!;
                    self.Complete(() => self._promise.TrySetCanceled(token));
                },
                (this, cancellationToken));
        }

        if (timeout != Timeout.InfiniteTimeSpan && !_promise.Task.IsCompleted)
        {
            _timer = system.TimeProvider.CreateTimer(
                static state =>
                {
                    var (self, target, timeout) = ((PromiseActorRef<T>, ICanTell, TimeSpan))state!;
                    self.Complete(() => self._promise.TrySetException(new AskTimeoutException(
                        $"Ask timed out on [{target}] after {timeout.TotalMilliseconds} ms; message type [{typeof(T).Name}] expected.")));
                },
                (this, target, timeout),
                timeout,
                Timeout.InfiniteTimeSpan);
        }

        // Completed while we were still arming (a cancelled token): release what was armed.
        if (_promise.Task.IsCompleted)
        {
            _timer?.Dispose();
            _cancellation.Dispose();
        }
    }

    public Task<T> Task => _promise.Task;

    public override ActorPath Path => _path;

    public override bool IsTerminated => _promise.Task.IsCompleted;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var completed = Complete(() => message switch
        {
            T reply => _promise.TrySetResult(reply),
            Status.Failure failure => _promise.TrySetException(failure.Cause),
            _ => _promise.TrySetException(new ArgumentException(
                $"Ask expected a reply of type [{typeof(T)}] but received [{message.GetType()}] from [{sender?.Path}].")),
        });
        if (!completed)
        {
            _system.DeadLetters.Tell(new DeadLetter(message, sender, this), sender);
        }
    }

    private bool Complete(Func<bool> complete)
    {
        if (!complete())
        {
            return false;
        }

        _timer?.Dispose();
        _cancellation.Dispose();
        return true;
    }
}

/// <summary>Watches one actor on behalf of GracefulStop: true on termination, false on timeout.</summary>
internal sealed class TerminationWatcherRef : MinimalActorRef
{
    private readonly TaskCompletionSource<bool> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorPath _path;
    private readonly InternalActorRef _subject;
    private readonly ITimer _timer;

    public TerminationWatcherRef(ActorPath path, InternalActorRef subject, TimeSpan timeout, TimeProvider timeProvider)
    {
        _path = path;
        _subject = subject;
        _timer = timeProvider.CreateTimer(static s => ((TerminationWatcherRef)s!).TimedOut(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    public Task<bool> Task => _result.Task;

    public override ActorPath Path => _path;

    public override bool IsTerminated => _result.Task.IsCompleted;

    public override void Tell(object message, IActorRef? sender)
    {
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification notification && notification.Actor.Equals(_subject) && _result.TrySetResult(true))
        {
            _timer.Dispose();
        }
    }

    private void TimedOut()
    {
        if (_result.TrySetResult(false))
        {
            _subject.SendSystemMessage(new Unwatch(_subject, this));
        }
    }
}

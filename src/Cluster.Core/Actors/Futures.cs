namespace Cluster.Core.Actors;

/// <summary>Ask, PipeTo and GracefulStop: bridges between actors and tasks.</summary>
public static class Futures
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary ref as sender and completes with the first
    /// reply: a <typeparamref name="T"/> completes it, <see cref="Status.Failure"/> faults it with the
    /// cause, any other type faults it with <see cref="ArgumentException"/>; no reply within the
    /// timeout (default <c>actors.ask-timeout</c>) faults it with <see cref="AskTimeoutException"/>.
    /// </summary>
    public static Task<T> Ask<T>(this ICanTell target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Ask<T>(target, _ => message, timeout, cancellationToken);

    public static Task<object> Ask(this ICanTell target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Ask<object>(target, _ => message, timeout, cancellationToken);

    /// <summary>Ask where the message needs the temporary reply-to ref (e.g. a request record with a ReplyTo field).</summary>
    public static Task<T> Ask<T>(this ICanTell target, Func<IActorRef, object> messageFactory, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(messageFactory);
        var system = SystemOf(target);
        var effectiveTimeout = timeout ?? system.Settings.AskTimeout;
        if (effectiveTimeout <= TimeSpan.Zero && effectiveTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The ask timeout must be positive.");
        }

        var promise = new PromiseActorRef<T>(system, system.NextTempPath(), target, effectiveTimeout, cancellationToken);
        if (!promise.Task.IsCompleted)
        {
            target.Tell(messageFactory(promise), promise);
        }

        return promise.Task;
    }

    /// <summary>Sends the task's result (or <see cref="Status.Failure"/>) to <paramref name="recipient"/> when it completes.</summary>
    public static Task PipeTo<T>(
        this Task<T> task,
        ICanTell recipient,
        IActorRef? sender = null,
        Func<T, object>? success = null,
        Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        sender ??= ActorCell.Current?.Self;
        return task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    recipient.Tell(success is null ? t.Result! : success(t.Result), sender);
                }
                else
                {
                    var cause = t.IsCanceled ? new TaskCanceledException(t) : Unwrap(t.Exception!);
                    recipient.Tell(failure is null ? new Status.Failure(cause) : failure(cause), sender);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Sends <paramref name="stopMessage"/> (default <see cref="PoisonPill"/>) and completes with true
    /// when the actor has terminated, or false if it has not within <paramref name="timeout"/>.
    /// </summary>
    public static Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout, object? stopMessage = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is not InternalActorRef subject)
        {
            throw new ArgumentException($"Cannot stop [{target}]: not a ref of this runtime.", nameof(target));
        }

        var system = SystemOf(target);
        var watcher = new TerminationWatcherRef(system.NextTempPath(), subject, timeout, system.TimeProvider);
        subject.SendSystemMessage(new Watch(subject, watcher));
        subject.Tell(stopMessage ?? PoisonPill.Instance, null);
        return watcher.Task;
    }

    internal static ActorSystem SystemOf(ICanTell target) => target switch
    {
        LocalActorRef local => local.Cell.System,
        _ => ActorCell.Current?.System
            ?? throw new NotSupportedException($"Cannot find the actor system of [{target}]; ask from inside an actor or use a local ref."),
    };

    internal static Exception Unwrap(AggregateException aggregate) =>
        aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
}

namespace Cluster.Core.Actors;

/// <summary>
/// Lifecycle and supervision messages. They travel on the mailbox's own lock-free list (the
/// <see cref="Next"/> link makes each message its own list node), are drained before and
/// between user messages, and are processed even while the actor is suspended.
/// </summary>
internal abstract class SystemMessage
{
    internal SystemMessage? Next;
}

/// <summary>Create the actor instance and run PreStart.</summary>
internal sealed class Create : SystemMessage;

/// <summary>Restart after failure: PreRestart, wait for children, new instance, PostRestart.</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Stop processing user messages (on a failure of the actor or an ancestor).</summary>
internal sealed class Suspend : SystemMessage;

/// <summary>Undo one <see cref="Suspend"/>; after a failure it also clears the failed state.</summary>
internal sealed class Resume(Exception? causedByFailure) : SystemMessage
{
    public Exception? CausedByFailure { get; } = causedByFailure;
}

/// <summary>Stop the actor: children first, then PostStop, then tell watchers.</summary>
internal sealed class Terminate : SystemMessage;

internal sealed class Watch(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;

    public InternalActorRef Watcher { get; } = watcher;
}

internal sealed class Unwatch(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;

    public InternalActorRef Watcher { get; } = watcher;
}

/// <summary>A watched actor (or a child) has terminated.</summary>
internal sealed class DeathWatchNotification(IActorRef actor, bool existenceConfirmed, bool addressTerminated) : SystemMessage
{
    public IActorRef Actor { get; } = actor;

    public bool ExistenceConfirmed { get; } = existenceConfirmed;

    public bool AddressTerminated { get; } = addressTerminated;
}

/// <summary>A child failed; its supervisor decides what happens next.</summary>
internal sealed class Failed(IActorRef child, Exception cause, long uid, Type? messageType) : SystemMessage
{
    public IActorRef Child { get; } = child;

    public Exception Cause { get; } = cause;

    public long Uid { get; } = uid;

    public Type? MessageType { get; } = messageType;
}

/// <summary>Run a continuation of an async handler on the actor (the actor's TaskScheduler queue).</summary>
internal sealed class ExecuteTask(Task task) : SystemMessage
{
    public Task Task { get; } = task;
}

/// <summary>
/// Runs a callback on the actor's thread, as if handling <see cref="Message"/> from
/// <see cref="Sender"/>, even while the mailbox is suspended (completions of work the actor waits for).
/// </summary>
internal sealed class RunOnActor(Action<object?> action, object? state, object? message, IActorRef? sender) : SystemMessage
{
    public Action<object?> Action { get; } = action;

    public object? State { get; } = state;

    public object? Message { get; } = message;

    public IActorRef? Sender { get; } = sender;
}

/// <summary>An async handler's task finished: resume the mailbox, or fail.</summary>
internal sealed class AsyncHandlerCompleted(Task task) : SystemMessage
{
    public Task Task { get; } = task;
}

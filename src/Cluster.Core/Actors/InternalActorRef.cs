namespace Cluster.Core.Actors;

/// <summary>
/// What the runtime needs of a ref beyond <see cref="IActorRef"/>: system messages, the
/// lifecycle operations a supervisor performs, and whether the incarnation has terminated.
/// </summary>
public abstract class InternalActorRef : IActorRef
{
    public abstract ActorPath Path { get; }

    /// <summary>Whether this incarnation has stopped for good.</summary>
    public abstract bool IsTerminated { get; }

    public abstract void Tell(object message, IActorRef? sender);

    internal abstract void SendSystemMessage(SystemMessage message);

    internal void Stop() => SendSystemMessage(new Terminate());

    internal void Suspend() => SendSystemMessage(new Suspend());

    internal void Resume(Exception? causedByFailure) => SendSystemMessage(new Resume(causedByFailure));

    internal void Restart(Exception cause) => SendSystemMessage(new Recreate(cause));

    public bool Equals(IActorRef? other) =>
        other is not null && other.Path.Uid == Path.Uid && other.Path.Equals(Path);

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Path.Uid, Path.Name);

    public override string ToString() => $"[{Path.ToStringWithUid()}]";
}

/// <summary>
/// Refs that never hold a live actor (dead letters, nobody, finished asks): a watch on them is
/// answered at once with "terminated", so DeathWatch never waits forever.
/// </summary>
public abstract class MinimalActorRef : InternalActorRef
{
    public override bool IsTerminated => true;

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && !ReferenceEquals(watch.Watcher, this))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false, addressTerminated: false));
        }
    }
}

/// <summary>The ref of an actor that does not exist; messages to it are silently dropped.</summary>
internal sealed class NobodyRef : MinimalActorRef
{
    public static readonly NobodyRef Instance = new();

    private static readonly ActorPath NobodyPath = ActorPath.Root("all-systems").Child("Nobody");

    public override ActorPath Path => NobodyPath;

    public override void Tell(object message, IActorRef? sender)
    {
    }
}

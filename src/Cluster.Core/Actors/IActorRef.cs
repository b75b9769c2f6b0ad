namespace Cluster.Core.Actors;

/// <summary>Something a message can be told to: an actor, or (later) a selection of actors.</summary>
public interface ICanTell
{
    void Tell(object message, IActorRef? sender);
}

/// <summary>
/// A handle to one incarnation of an actor (its path plus uid). Delivery is at most once and
/// ordered per sender-receiver pair; telling a dead actor sends the message to dead letters.
/// </summary>
public interface IActorRef : ICanTell, IEquatable<IActorRef>
{
    ActorPath Path { get; }
}

/// <summary>Well-known refs (Akka's <c>ActorRefs</c>).</summary>
public static class ActorRefs
{
    /// <summary>"No sender": replies to it go to dead letters.</summary>
    public static readonly IActorRef? NoSender;

    /// <summary>A ref that never exists: everything sent to it is dropped as a dead letter.</summary>
    public static IActorRef Nobody => NobodyRef.Instance;
}

/// <summary>Telling and forwarding with the implicit sender of the current actor.</summary>
public static class ActorRefTellExtensions
{
    /// <summary>Tells with the current actor as sender, or no sender outside an actor.</summary>
    public static void Tell(this ICanTell receiver, object message) =>
        receiver.Tell(message, ActorCell.Current?.Self);

    /// <summary>Tells, keeping the sender of the message being processed (must run inside an actor).</summary>
    public static void Forward(this ICanTell receiver, object message)
    {
        var cell = ActorCell.Current ?? throw new NotSupportedException("Forward can only be used inside an actor.");
        receiver.Tell(message, cell.CurrentSender);
    }
}

namespace Cluster.Core.Actors;

/// <summary>Messages the actor cell handles itself before (or instead of) the actor's behaviour.</summary>
internal interface IAutoReceivedMessage;

/// <summary>Marks messages that do not reset an actor's receive timeout.</summary>
public interface INotInfluenceReceiveTimeout;

/// <summary>An ordinary message that stops the actor when it is processed.</summary>
public sealed class PoisonPill : IAutoReceivedMessage
{
    public static readonly PoisonPill Instance = new();

    private PoisonPill()
    {
    }

    public override string ToString() => "<PoisonPill>";
}

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/> (stopped by the default strategy).</summary>
public sealed class Kill : IAutoReceivedMessage
{
    public static readonly Kill Instance = new();

    private Kill()
    {
    }

    public override string ToString() => "<Kill>";
}

/// <summary>Asks any actor for its ref; it answers with <see cref="ActorIdentity"/>.</summary>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;

/// <summary>The answer to <see cref="Identify"/>.</summary>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);

/// <summary>Sent to an actor after it has been idle for its receive timeout.</summary>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout
{
    public static readonly ReceiveTimeout Instance = new();

    private ReceiveTimeout()
    {
    }

    public override string ToString() => "<ReceiveTimeout>";
}

/// <summary>Tells a watcher that the watched actor has stopped.</summary>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed, bool AddressTerminated) : IAutoReceivedMessage;

/// <summary>Success and failure replies (Akka's <c>Status</c>).</summary>
public static class Status
{
    public sealed record Success(object? Result);

    public sealed record Failure(Exception Cause);
}

/// <summary>A message that could not be delivered, published on the event stream.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>A message no behaviour handled, published on the event stream.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);

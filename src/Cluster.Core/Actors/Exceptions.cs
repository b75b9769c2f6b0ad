namespace Cluster.Core.Actors;

/// <summary>Base of the runtime's own exceptions.</summary>
public class ActorException : Exception
{
    public ActorException()
    {
    }

    public ActorException(string message)
        : base(message)
    {
    }

    public ActorException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>The actor's constructor or <c>PreStart</c> threw; the default strategy stops it.</summary>
public sealed class ActorInitializationException : ActorException
{
    public ActorInitializationException()
    {
    }

    public ActorInitializationException(string message)
        : base(message)
    {
    }

    public ActorInitializationException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public ActorInitializationException(IActorRef? actor, string message, Exception? inner)
        : base(message, inner) => Actor = actor;

    public IActorRef? Actor { get; }
}

/// <summary>Raised by <see cref="Kill"/>; the default strategy stops the actor.</summary>
public sealed class ActorKilledException : ActorException
{
    public ActorKilledException()
        : base("Kill")
    {
    }

    public ActorKilledException(string message)
        : base(message)
    {
    }

    public ActorKilledException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>An actor did not handle the <see cref="Terminated"/> of an actor it watched.</summary>
public sealed class DeathPactException : ActorException
{
    public DeathPactException()
    {
    }

    public DeathPactException(string message)
        : base(message)
    {
    }

    public DeathPactException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public DeathPactException(IActorRef deadActor)
        : base($"Monitored actor [{deadActor.Path}] terminated") => DeadActor = deadActor;

    public IActorRef? DeadActor { get; }
}

/// <summary>An <c>Ask</c> got no reply in time.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    public AskTimeoutException()
    {
    }

    public AskTimeoutException(string message)
        : base(message)
    {
    }

    public AskTimeoutException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>An actor name is malformed or still taken by a live (or not yet terminated) actor.</summary>
public sealed class InvalidActorNameException : ActorException
{
    public InvalidActorNameException()
    {
    }

    public InvalidActorNameException(string message)
        : base(message)
    {
    }

    public InvalidActorNameException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>The stash is full.</summary>
public sealed class StashOverflowException : ActorException
{
    public StashOverflowException()
    {
    }

    public StashOverflowException(string message)
        : base(message)
    {
    }

    public StashOverflowException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>An operation that the actor's current state forbids (e.g. stashing a message twice).</summary>
public sealed class IllegalActorStateException : ActorException
{
    public IllegalActorStateException()
    {
    }

    public IllegalActorStateException(string message)
        : base(message)
    {
    }

    public IllegalActorStateException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

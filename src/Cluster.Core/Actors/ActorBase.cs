using Microsoft.Extensions.Logging;

namespace Cluster.Core.Actors;

/// <summary>
/// The base of every actor. Instances are created by the runtime from <see cref="Props"/>
/// (never with <c>new</c> outside it); the constructor runs again on every restart.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;
    private ILogger? _log;

    protected ActorBase()
    {
        _cell = ActorCell.Current?.ConsumeActorUnderConstruction()
            ?? throw new ActorInitializationException(
                $"You cannot create an instance of [{GetType()}] explicitly using 'new'; use ActorOf with Props.");
    }

    /// <summary>The current actor context (only valid on the actor's own thread).</summary>
    protected static IActorContext Context =>
        ActorCell.Current ?? throw new NotSupportedException("There is no active actor context: Context is only valid inside an actor.");

    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being processed (valid inside a handler, like Akka's).</summary>
    protected IActorRef Sender => _cell.Sender;

    /// <summary>A logger whose category is the actor's type.</summary>
    protected ILogger Log => _log ??= _cell.System.LoggerFactory.CreateLogger(GetType());

    internal ActorCell Cell => _cell;

    /// <summary>The actor's initial behaviour.</summary>
    protected abstract bool Receive(object message);

    protected virtual void PreStart()
    {
    }

    protected virtual void PostStop()
    {
    }

    /// <summary>Before a restart, on the failed instance. The default stops all children, then calls PostStop.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.GetChildren())
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>After a restart, on the new instance. The default calls PreStart.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children; the default restarts on any exception.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.DefaultStrategy;

    /// <summary>
    /// Called for messages no behaviour handled: an unhandled <see cref="Terminated"/> fails the
    /// actor (a death pact), anything else is published as <see cref="UnhandledMessage"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }

        _cell.PublishUnhandled(message);
    }

    internal void InvokeUnhandled(object message) => Unhandled(message);

    // The runtime calls the hooks through these, so user actors in any assembly override plain 'protected' members.
    internal bool AroundReceive(object message) => Receive(message);

    internal Receive InitialBehavior => Receive;

    internal virtual void AroundPreStart() => PreStart();

    internal virtual void AroundPostStop() => PostStop();

    internal virtual void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal virtual void AroundPostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy AroundSupervisorStrategy() => SupervisorStrategy();
}

namespace Cluster.Core.Actors;

/// <summary>
/// An actor whose behaviour is a list of typed handlers, registered in its constructor (or in
/// <see cref="Become(Action)"/>) and matched in registration order: the first match wins.
/// Async handlers suspend the mailbox until their task completes, and their continuations run
/// on the actor, so <c>Self</c>, <c>Sender</c> and <c>Context</c> stay valid after <c>await</c>.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private IMessageHandler[] _initial = [];
    private MessageHandlerList? _building;
    private bool _constructed;

    protected sealed override bool Receive(object message)
    {
        // The constructor has finished by the time the first message arrives.
        _constructed = true;
        return MessageHandlerList.Handle(_initial, message);
    }

    protected void Receive<T>(Action<T> handler) => Add(new MessageHandler<T>(null, handler));

    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) => Add(new MessageHandler<T>(shouldHandle, handler));

    /// <summary>A handler that decides itself whether it handled the message.</summary>
    protected void Receive<T>(Func<T, bool> handler) => Add(new PredicateMessageHandler<T>(handler));

    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null) =>
        Add(new MessageHandler<T>(shouldHandle, m => Cell.RunAsyncHandler(() => handler(m))));

    protected void ReceiveAny(Action<object> handler) => Add(new MessageHandler<object>(null, handler));

    protected void ReceiveAnyAsync(Func<object, Task> handler) =>
        Add(new MessageHandler<object>(null, m => Cell.RunAsyncHandler(() => handler(m))));

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure).Handle);

    /// <summary>Pushes the handlers that <paramref name="configure"/> registers; <c>UnbecomeStacked</c> pops them.</summary>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure).Handle);

    protected void UnbecomeStacked() => Context.UnbecomeStacked();

    private MessageHandlerList Build(Action configure)
    {
        var previous = _building;
        var list = new MessageHandlerList();
        _building = list;
        try
        {
            configure();
        }
        finally
        {
            _building = previous;
        }

        return list;
    }

    private void Add(IMessageHandler handler)
    {
        if (_building is not null)
        {
            _building.Add(handler);
        }
        else if (!_constructed)
        {
            _initial = [.. _initial, handler];
        }
        else
        {
            throw new InvalidOperationException(
                "Receive handlers can only be registered in the constructor or inside Become/BecomeStacked.");
        }
    }
}

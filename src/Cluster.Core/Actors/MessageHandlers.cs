namespace Cluster.Core.Actors;

/// <summary>One typed handler of a receive-style actor: it says whether it took the message.</summary>
internal interface IMessageHandler
{
    bool TryHandle(object message);
}

/// <summary>Handles messages of type <typeparamref name="T"/> (that pass the optional predicate).</summary>
internal sealed class MessageHandler<T>(Predicate<T>? shouldHandle, Action<T> action) : IMessageHandler
{
    public bool TryHandle(object message)
    {
        if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
        {
            action(typed);
            return true;
        }

        return false;
    }
}

/// <summary>A handler that decides itself, by its return value, whether it handled the message.</summary>
internal sealed class PredicateMessageHandler<T>(Func<T, bool> handler) : IMessageHandler
{
    public bool TryHandle(object message) => message is T typed && handler(typed);
}

/// <summary>Handlers matched in registration order; the first that takes a message wins.</summary>
internal sealed class MessageHandlerList
{
    private IMessageHandler[] _handlers = [];

    public int Count => _handlers.Length;

    public void Add(IMessageHandler handler) => _handlers = [.. _handlers, handler];

    public bool Handle(object message) => Handle(_handlers, message);

    public static bool Handle(IMessageHandler[] handlers, object message)
    {
        foreach (var handler in handlers)
        {
            if (handler.TryHandle(message))
            {
                return true;
            }
        }

        return false;
    }
}

namespace Cluster.Core.Actors;

/// <summary>
/// The system's local publish-subscribe bus, by message type (subscribing to a base type or an
/// interface receives every matching event). Subscribers that have terminated are dropped.
/// </summary>
public sealed class EventStream
{
    private (IActorRef Subscriber, Type Channel)[] _subscriptions = [];

    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            if (current.Contains((subscriber, channel)))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _subscriptions, [.. current, (subscriber, channel)], current) == current)
            {
                return true;
            }
        }
    }

    public bool Unsubscribe(IActorRef subscriber, Type? channel = null)
    {
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            var next = current.Where(s => !(s.Subscriber.Equals(subscriber) && (channel is null || s.Channel == channel))).ToArray();
            if (next.Length == current.Length)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _subscriptions, next, current) == current)
            {
                return true;
            }
        }
    }

    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var dead = false;
        foreach (var (subscriber, channel) in Volatile.Read(ref _subscriptions))
        {
            if (subscriber is InternalActorRef { IsTerminated: true })
            {
                dead = true;
                continue;
            }

            if (channel.IsInstanceOfType(@event))
            {
                subscriber.Tell(@event, null);
            }
        }

        if (dead)
        {
            RemoveTerminated();
        }
    }

    private void RemoveTerminated()
    {
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            var next = current.Where(static s => s.Subscriber is not InternalActorRef { IsTerminated: true }).ToArray();
            if (Interlocked.CompareExchange(ref _subscriptions, next, current) == current)
            {
                return;
            }
        }
    }
}

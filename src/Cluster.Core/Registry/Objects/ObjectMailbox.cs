using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// The mailbox of object actors (<c>akka.actor.registry-object-mailbox</c>). Akka's default for a
/// persistent actor, a deque over a <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/>,
/// starts with a 32-slot segment: about 1 KB for every live object, most of which see a message
/// now and then. An object's mailbox is almost always empty and rarely contended, so a lock over
/// a queue that starts empty costs a tenth of that and leaves the garbage collector less to move.
/// </summary>
public sealed class ObjectMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<ObjectMessageQueue>
{
    public const string Id = "akka.actor.registry-object-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new ObjectMessageQueue();
}

/// <summary>
/// An unbounded deque of envelopes under one lock. Any thread enqueues; the actor's own thread
/// dequeues and, when it unstashes, puts messages back at the front (the deque semantics that
/// Akka.Persistence's stash requires).
/// </summary>
public sealed class ObjectMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private readonly Queue<Envelope> _queue = new();
    private Stack<Envelope>? _front;

    public bool HasMessages => Count > 0;

    public int Count
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count + (_front?.Count ?? 0);
            }
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (_queue)
        {
            (_front ??= new Stack<Envelope>()).Push(envelope);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_queue)
        {
            if (_front is { Count: > 0 } front)
            {
                envelope = front.Pop();
                return true;
            }

            return _queue.TryDequeue(out envelope);
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}

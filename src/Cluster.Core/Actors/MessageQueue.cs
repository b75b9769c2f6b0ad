namespace Cluster.Core.Actors;

/// <summary>
/// The user-message queue: a multi-producer single-consumer linked queue (Vyukov's intrusive
/// MPSC design, as in JVM Akka's AbstractNodeQueue). Producers never contend on a lock or a CAS
/// loop, only one atomic exchange; an empty queue costs one stub node, which keeps idle actors
/// small. Messages put back by <c>Stash.UnstashAll</c> go to a consumer-only stack that is read
/// first, so they are processed before anything already queued.
/// </summary>
internal sealed class MessageQueue
{
    private Node _head;
    private Node _tail;
    private List<Envelope>? _prepended;

    public MessageQueue()
    {
        _head = _tail = new Node();
    }

    /// <summary>Whether any message is visible (safe from any thread; may be briefly stale).</summary>
    public bool HasMessages =>
        Volatile.Read(ref Volatile.Read(ref _tail).Next) is not null || _prepended is { Count: > 0 };

    public void Enqueue(in Envelope envelope)
    {
        var node = new Node { Message = envelope.Message, Sender = envelope.Sender };
        var previous = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref previous.Next, node);
    }

    /// <summary>Puts an envelope in front of everything else (consumer thread only).</summary>
    public void EnqueueFirst(in Envelope envelope) => (_prepended ??= []).Add(envelope);

    /// <summary>Takes the next message (consumer thread only).</summary>
    public bool TryDequeue(out Envelope envelope)
    {
        if (_prepended is { Count: > 0 } prepended)
        {
            envelope = prepended[^1];
            prepended.RemoveAt(prepended.Count - 1);
            return true;
        }

        var tail = _tail;
        var next = Volatile.Read(ref tail.Next);
        if (next is null)
        {
            envelope = default;
            return false;
        }

        envelope = new Envelope(next.Message!, next.Sender);
        next.Message = null;
        next.Sender = null;
        Volatile.Write(ref _tail, next);
        return true;
    }

    private sealed class Node
    {
        public Node? Next;
        public object? Message;
        public IActorRef? Sender;
    }
}

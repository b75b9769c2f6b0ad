using System.Runtime.InteropServices;

namespace Cluster.Core.Actors;

/// <summary>
/// The user-message queue: multi-producer, single-consumer. It is a chain of ring buffers in
/// the style of .NET's ConcurrentQueue (Vyukov's bounded queue with a sequence number per slot),
/// simplified for one consumer and starting small: the first ring (4 slots) is allocated with the
/// first message, a busy actor grows its ring (doubling, up to <see cref="MaxSegmentLength"/>) and
/// then reuses it, so steady traffic allocates nothing. Messages put back by <c>Stash.UnstashAll</c> go to a consumer-only
/// stack that is read first.
/// </summary>
internal sealed class MessageQueue
{
    private const int InitialSegmentLength = 4;
    private const int MaxSegmentLength = 1024;
    private const int CacheLine = 64;

    private Segment? _head;
    private Segment? _tail;
    private List<Envelope>? _prepended;

    /// <summary>Whether any message is visible or being written (safe from any thread; may be briefly stale).</summary>
    public bool HasMessages
    {
        get
        {
            if (_prepended is { Count: > 0 })
            {
                return true;
            }

            for (var segment = Volatile.Read(ref _head); segment is not null; segment = Volatile.Read(ref segment.Next))
            {
                if (segment.HasItems)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Enqueue(in Envelope envelope)
    {
        while (true)
        {
            var tail = Volatile.Read(ref _tail) ?? CreateFirstSegment();
            if (tail.TryEnqueue(envelope))
            {
                return;
            }

            // The ring is full: link a bigger one. Rare (only while the queue grows), so a lock is fine.
            lock (this)
            {
                if (ReferenceEquals(tail, Volatile.Read(ref _tail)))
                {
                    var next = new Segment(Math.Min(tail.Length * 2, MaxSegmentLength));
                    Volatile.Write(ref tail.Next, next);
                    tail.Freeze();
                    Volatile.Write(ref _tail, next);
                }
            }
        }
    }

    private Segment CreateFirstSegment()
    {
        // Head first, so the consumer never sees a tail without a head.
        var first = new Segment(InitialSegmentLength);
        first = Interlocked.CompareExchange(ref _head, first, null) ?? first;
        Interlocked.CompareExchange(ref _tail, first, null);
        return Volatile.Read(ref _tail)!;
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

        while (true)
        {
            var head = Volatile.Read(ref _head);
            if (head is null)
            {
                envelope = default;
                return false;
            }

            if (head.TryDequeue(out envelope))
            {
                return true;
            }

            if (!head.IsDrainedAndFrozen)
            {
                return false;
            }

            Volatile.Write(ref _head, head.Next!);
        }
    }

    private sealed class Segment
    {
        public Segment? Next;

        private readonly Slot[] _slots;
        private readonly int _mask;
        // Indexes wrap around int; they are only ever compared by subtraction.
        private Indexes _indexes;
        private int _frozenTail;
        private volatile bool _frozen;

        public Segment(int length)
        {
            _slots = new Slot[length];
            _mask = length - 1;
            for (var i = 0; i < length; i++)
            {
                _slots[i].Sequence = i;
            }
        }

        public int Length => _slots.Length;

        public bool HasItems => (_frozen ? _frozenTail : Volatile.Read(ref _indexes.Tail)) - Volatile.Read(ref _indexes.Head) > 0;

        /// <summary>Frozen for enqueues and every reserved slot consumed: the consumer may move on.</summary>
        public bool IsDrainedAndFrozen => _frozen && _frozenTail - _indexes.Head <= 0;

        public bool TryEnqueue(in Envelope envelope)
        {
            var slots = _slots;
            while (!_frozen)
            {
                var tail = Volatile.Read(ref _indexes.Tail);
                ref var slot = ref slots[tail & _mask];
                var diff = Volatile.Read(ref slot.Sequence) - tail;
                if (diff == 0)
                {
                    if (Interlocked.CompareExchange(ref _indexes.Tail, tail + 1, tail) == tail)
                    {
                        slot.Message = envelope.Message;
                        slot.Sender = envelope.Sender;
                        Volatile.Write(ref slot.Sequence, tail + 1);
                        return true;
                    }
                }
                else if (diff < 0)
                {
                    return false;
                }
            }

            return false;
        }

        public bool TryDequeue(out Envelope envelope)
        {
            var head = _indexes.Head;
            ref var slot = ref _slots[head & _mask];
            if (Volatile.Read(ref slot.Sequence) != head + 1)
            {
                envelope = default;
                return false;
            }

            envelope = new Envelope(slot.Message!, slot.Sender);
            slot.Message = null;
            slot.Sender = null;
            Volatile.Write(ref slot.Sequence, head + _slots.Length);
            Volatile.Write(ref _indexes.Head, head + 1);
            return true;
        }

        /// <summary>Stops further enqueues: moving the tail past any valid sequence makes every later attempt see "full".</summary>
        public void Freeze()
        {
            var reserved = Interlocked.Add(ref _indexes.Tail, _slots.Length * 2) - (_slots.Length * 2);
            _frozenTail = reserved;
            _frozen = true;
        }

        /// <summary>
        /// The producers' tail on a cache line of its own, apart from the consumer's head and from the
        /// fields the consumer reads (as ConcurrentQueue pads them): otherwise every enqueue's CAS
        /// would invalidate a line the consumer needs for every dequeue, and the reverse.
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
        private struct Indexes
        {
            [FieldOffset(CacheLine)]
            public int Tail;

            [FieldOffset(2 * CacheLine)]
            public int Head;
        }

        private struct Slot
        {
            public object? Message;
            public IActorRef? Sender;
            public int Sequence;
        }
    }
}

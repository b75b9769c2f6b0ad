namespace Cluster.Core.Actors;

/// <summary>
/// An actor's mailbox and its unit of work on the thread pool (Akka's Mailbox). One status
/// word, changed only by CAS, says whether the mailbox is closed, scheduled, or suspended (a
/// count in steps of <see cref="SuspendUnit"/>). Only the thread that won the "scheduled" bit
/// runs the actor, so handlers never overlap, and the CAS is the memory barrier between them.
/// <code>
///   Open ──schedule──▶ Scheduled ──run, then idle──▶ Open
///    │  ▲                                             
///    │  └──resume── Suspended(n) ◀──suspend──         (system messages still run)
///    └──────────────────────────▶ Closed              (terminal; leftovers → dead letters)
/// </code>
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Open = 0;
    private const int Closed = 1;
    private const int Scheduled = 2;
    private const int SuspendUnit = 4;
    private const int ShouldScheduleMask = Closed | Scheduled;

    private readonly MessageQueue _messages = new();
    private readonly Dispatcher _dispatcher;
    private readonly ActorCell _cell;
    private int _status;
    private SystemMessage? _systemMessages;

    public Mailbox(ActorCell cell, Dispatcher dispatcher)
    {
        _cell = cell;
        _dispatcher = dispatcher;
    }

    public bool IsClosed => (Volatile.Read(ref _status) & Closed) != 0;

    public bool IsSuspended => (Volatile.Read(ref _status) & ~ShouldScheduleMask) != 0;

    public bool HasMessages => _messages.HasMessages;

    public bool HasSystemMessages => Volatile.Read(ref _systemMessages) is not null;

    public MessageQueue Messages => _messages;

    public void Post(in Envelope envelope)
    {
        _messages.Enqueue(envelope);
        if (IsClosed)
        {
            // Lost the race with termination: whatever is left goes to dead letters.
            _cell.DrainUserMessagesToDeadLetters();
            return;
        }

        _dispatcher.RegisterForExecution(this, hasMessageHint: true, hasSystemMessageHint: false);
    }

    public void PostSystem(SystemMessage message)
    {
        // Treiber stack push; the consumer reverses the batch to restore FIFO order.
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _systemMessages);
            message.Next = head;
        }
        while (Interlocked.CompareExchange(ref _systemMessages, message, head) != head);

        if (IsClosed)
        {
            _cell.DrainSystemMessagesOfDeadActor();
            return;
        }

        _dispatcher.RegisterForExecution(this, hasMessageHint: false, hasSystemMessageHint: true);
    }

    /// <summary>Schedules the first run, which creates the actor (see <see cref="ActorCell.Start"/>).</summary>
    public void ScheduleForCreate() =>
        _dispatcher.RegisterForExecution(this, hasMessageHint: false, hasSystemMessageHint: true);

    /// <summary>Takes all pending system messages in the order they were sent.</summary>
    public SystemMessage? DrainSystemMessages()
    {
        var list = Interlocked.Exchange(ref _systemMessages, null);
        SystemMessage? reversed = null;
        while (list is not null)
        {
            var next = list.Next;
            list.Next = reversed;
            reversed = list;
            list = next;
        }

        return reversed;
    }

    public bool CanBeScheduledForExecution(bool hasMessageHint, bool hasSystemMessageHint)
    {
        var status = Volatile.Read(ref _status);
        if ((status & Closed) != 0)
        {
            return false;
        }

        if ((status & ~ShouldScheduleMask) == 0)
        {
            return hasMessageHint || hasSystemMessageHint || HasSystemMessages || HasMessages;
        }

        return hasSystemMessageHint || HasSystemMessages;
    }

    public bool SetAsScheduled()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if ((status & ShouldScheduleMask) != Open)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _status, status | Scheduled, status) == status)
            {
                return true;
            }
        }
    }

    private void SetAsIdle()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if (Interlocked.CompareExchange(ref _status, status & ~Scheduled, status) == status)
            {
                return;
            }
        }
    }

    public void Suspend()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if ((status & Closed) != 0 ||
                Interlocked.CompareExchange(ref _status, status + SuspendUnit, status) == status)
            {
                return;
            }
        }
    }

    /// <summary>Undoes one suspension; returns false when the mailbox is closed.</summary>
    public bool Resume()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if ((status & Closed) != 0)
            {
                return false;
            }

            var next = status < SuspendUnit ? status : status - SuspendUnit;
            if (Interlocked.CompareExchange(ref _status, next, status) == status)
            {
                return true;
            }
        }
    }

    public void BecomeClosed()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if (Interlocked.CompareExchange(ref _status, Closed, status) == status)
            {
                return;
            }
        }
    }

    private bool ShouldProcessMessage => (Volatile.Read(ref _status) & ~Scheduled) == 0;

    public void Execute()
    {
        try
        {
            if (!IsClosed)
            {
                var previous = ActorCell.Current;
                ActorCell.Current = _cell;
                try
                {
                    ProcessAllSystemMessages();
                    ProcessMailbox();
                }
                finally
                {
                    ActorCell.Current = previous;
                }
            }
        }
        finally
        {
            SetAsIdle();
            _dispatcher.RegisterForExecution(this, hasMessageHint: false, hasSystemMessageHint: false);
        }
    }

    private void ProcessMailbox()
    {
        var left = _dispatcher.Throughput;
        var deadline = _dispatcher.ThroughputDeadlineTicks;
        var start = deadline > 0 ? Environment.TickCount64 : 0;
        while (ShouldProcessMessage && _messages.TryDequeue(out var envelope))
        {
            _cell.Invoke(envelope);
            if (HasSystemMessages)
            {
                ProcessAllSystemMessages();
            }

            if (--left <= 0 || (deadline > 0 && Environment.TickCount64 - start >= deadline))
            {
                return;
            }
        }
    }

    private void ProcessAllSystemMessages()
    {
        _cell.CreateIfPending();
        while (!IsClosed && DrainSystemMessages() is { } batch)
        {
            var message = batch;
            while (message is not null)
            {
                var next = message.Next;
                message.Next = null;
                if (IsClosed)
                {
                    _cell.HandleSystemMessageOfDeadActor(message);
                }
                else
                {
                    _cell.SystemInvoke(message);
                }

                message = next;
            }
        }
    }
}

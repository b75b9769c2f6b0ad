namespace Cluster.Api.Limits;

/// <summary>
/// Bounds the requests being served, all users together and per user, in the spirit of upstream's API Priority and
/// Fairness: a user at its share waits in its own short queue, and freed slots go round the waiting users in turn, so
/// one busy client cannot starve the others. A request that finds its user's queue full, or waits longer than the
/// queue timeout, is refused (the caller answers 429).
/// </summary>
public sealed class FairnessGate(ApiLimitsSettings settings, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Users with waiting requests, in the order their turn comes.</summary>
    private readonly LinkedList<Lane> _turns = new();
    private int _inFlight;

    /// <summary>Requests admitted and not yet done, all users together.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>
    /// Waits for a slot for <paramref name="user"/>: true once admitted (then <see cref="Exit"/> must follow), false when
    /// refused. Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ends the wait.
    /// </summary>
    public ValueTask<bool> EnterAsync(string user, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (!_lanes.TryGetValue(user, out var lane))
            {
                lane = new Lane(user);
                _lanes.Add(user, lane);
            }

            if (lane.Queue.Count == 0 && lane.InFlight < settings.PerUserInFlight && _inFlight < settings.MaxInFlight)
            {
                Admit(lane);
                return ValueTask.FromResult(true);
            }

            if (lane.Queue.Count >= settings.QueueLength)
            {
                Forget(lane);
                return ValueTask.FromResult(false);
            }

            waiter = new Waiter(lane);
            lane.Queue.AddLast(waiter.Node);
            if (lane.Turn.List is null)
            {
                _turns.AddLast(lane.Turn);
            }
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Gives back the slot <paramref name="user"/> was admitted to, and hands free slots to waiting users in turn.</summary>
    public void Exit(string user)
    {
        lock (_lock)
        {
            var lane = _lanes[user];
            lane.InFlight--;
            _inFlight--;
            Dispatch();
            Forget(lane);
        }
    }

    private async ValueTask<bool> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.QueueTimeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await using (either.Token.Register(() => Withdraw(waiter)).ConfigureAwait(false))
        {
            // Admitted is kept even when the client has just left: the caller's finally gives the slot back.
            var admitted = await waiter.Admitted.Task.ConfigureAwait(false);
            if (!admitted)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            return admitted;
        }
    }

    /// <summary>A waiter that timed out or whose client left: out of the queue, unless a slot reached it first.</summary>
    private void Withdraw(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node.List is null)
            {
                return;
            }

            var lane = waiter.Lane;
            lane.Queue.Remove(waiter.Node);
            if (lane.Queue.Count == 0 && lane.Turn.List is not null)
            {
                _turns.Remove(lane.Turn);
            }

            Forget(lane);
        }

        waiter.Admitted.TrySetResult(false);
    }

    /// <summary>Free slots go to the waiting users one request at a time, round the users in turn, skipping users at their share.</summary>
    private void Dispatch()
    {
        var skipped = 0;
        while (_inFlight < settings.MaxInFlight && _turns.First is { } turn && skipped < _turns.Count)
        {
            var lane = turn.Value;
            _turns.RemoveFirst();
            if (lane.InFlight >= settings.PerUserInFlight)
            {
                _turns.AddLast(turn);
                skipped++;
                continue;
            }

            var next = lane.Queue.First!;
            lane.Queue.RemoveFirst();
            Admit(lane);
            if (lane.Queue.Count > 0)
            {
                _turns.AddLast(turn);
            }

            skipped = 0;
            next.Value.Admitted.TrySetResult(true);
        }
    }

    private void Admit(Lane lane)
    {
        lane.InFlight++;
        _inFlight++;
    }

    /// <summary>An idle user's lane is dropped, so the table holds only users with requests.</summary>
    private void Forget(Lane lane)
    {
        if (lane.InFlight == 0 && lane.Queue.Count == 0)
        {
            _lanes.Remove(lane.User);
        }
    }

    private sealed class Lane
    {
        public Lane(string user)
        {
            User = user;
            Turn = new LinkedListNode<Lane>(this);
        }

        public string User { get; }

        public int InFlight { get; set; }

        public LinkedList<Waiter> Queue { get; } = new();

        public LinkedListNode<Lane> Turn { get; }
    }

    private sealed class Waiter
    {
        public Waiter(Lane lane)
        {
            Lane = lane;
            Node = new LinkedListNode<Waiter>(this);
        }

        public Lane Lane { get; }

        public LinkedListNode<Waiter> Node { get; }

        public TaskCompletionSource<bool> Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

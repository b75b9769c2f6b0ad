namespace Cluster.Core.Actors;

/// <summary>How a <see cref="BackoffSupervisor"/> restarts its child.</summary>
/// <param name="ChildProps">The child to supervise.</param>
/// <param name="ChildName">The child's name (the same on every restart).</param>
/// <param name="MinBackoff">Delay before the first restart.</param>
/// <param name="MaxBackoff">Cap of the exponentially growing delay.</param>
/// <param name="RandomFactor">Jitter: each delay is multiplied by 1 + random[0, factor).</param>
/// <param name="RestartOnFailureOnly">OnFailure mode: restart only after a failure, stop with a child that stopped itself.</param>
/// <param name="Seed">Seed of the jitter's random source, for deterministic tests.</param>
public sealed record BackoffOptions(
    Props ChildProps,
    string ChildName,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    double RandomFactor,
    bool RestartOnFailureOnly = false,
    int? Seed = null)
{
    /// <summary>Restart the child whenever it stops (Akka's Backoff.OnStop).</summary>
    public static BackoffOptions OnStop(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor, int? seed = null) =>
        new(childProps, childName, minBackoff, maxBackoff, randomFactor, RestartOnFailureOnly: false, seed);

    /// <summary>Restart the child after it fails (Akka's Backoff.OnFailure).</summary>
    public static BackoffOptions OnFailure(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor, int? seed = null) =>
        new(childProps, childName, minBackoff, maxBackoff, randomFactor, RestartOnFailureOnly: true, seed);

    internal void Validate()
    {
        if (MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff)
        {
            throw new ArgumentException($"Back-off bounds must satisfy 0 < min ({MinBackoff}) <= max ({MaxBackoff}).");
        }

        if (RandomFactor is < 0 or > 1)
        {
            throw new ArgumentException($"The random factor must be between 0 and 1, not {RandomFactor}.");
        }
    }
}

/// <summary>
/// Restarts a child that depends on an external resource (a database, a socket) after growing
/// delays (min·2ⁿ, capped, with jitter), so a failing resource is not hammered. Messages are
/// forwarded to the child; while it is down they go to dead letters. The count resets once a
/// child has stayed up for the max back-off.
/// </summary>
public sealed class BackoffSupervisor : ActorBase, IWithTimers
{
    private readonly BackoffOptions _options;
    private readonly Random _random;
    private IActorRef? _child;
    private bool _childFailed;
    private int _restartCount;

    public BackoffSupervisor(BackoffOptions options)
    {
        options.Validate();
        _options = options;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BackoffOptions options) => Actors.Props.CreateFrom(() => new BackoffSupervisor(options));

    /// <summary>The delay before restart number <paramref name="restartCount"/> (0-based), before jitter.</summary>
    public static TimeSpan CalculateDelay(int restartCount, TimeSpan min, TimeSpan max, double jitter)
    {
        var exponential = min.TotalMilliseconds * Math.Pow(2, Math.Min(restartCount, 30));
        var capped = Math.Min(max.TotalMilliseconds, exponential);
        return TimeSpan.FromMilliseconds(capped * (1 + jitter));
    }

    protected override void PreStart() => StartChild();

    protected override SupervisorStrategy SupervisorStrategy() =>
        _options.RestartOnFailureOnly
            ? new OneForOneStrategy(e =>
            {
                _childFailed = true;
                return Directive.Stop;
            })
            : Actors.SupervisorStrategy.DefaultStrategy;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Terminated terminated when terminated.ActorRef.Equals(_child):
                OnChildTerminated();
                return true;
            case StartChildTick:
                StartChild();
                return true;
            case ResetTick:
                _restartCount = 0;
                return true;
            case GetCurrentChild:
                Sender.Tell(new CurrentChild(_child), Self);
                return true;
            case GetRestartCount:
                Sender.Tell(new RestartCount(_restartCount), Self);
                return true;
            case Reset:
                _restartCount = 0;
                return true;
            default:
                if (_child is { } child)
                {
                    child.Forward(message);
                }
                else
                {
                    Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self), Sender);
                }

                return true;
        }
    }

    private void StartChild()
    {
        _childFailed = false;
        _child = Context.Watch(Context.ActorOf(_options.ChildProps, _options.ChildName));
        if (_restartCount > 0)
        {
            Timers.StartSingleTimer(ResetTick.Instance, ResetTick.Instance, _options.MaxBackoff);
        }
    }

    private void OnChildTerminated()
    {
        _child = null;
        Timers.Cancel(ResetTick.Instance);
        if (_options.RestartOnFailureOnly && !_childFailed)
        {
            Context.Stop(Self);
            return;
        }

        var jitter = _random.NextDouble() * _options.RandomFactor;
        var delay = CalculateDelay(_restartCount, _options.MinBackoff, _options.MaxBackoff, jitter);
        _restartCount++;
        ActorLog.BackoffRestarting(Context.System.Log, Self.Path.ToString(), delay, _restartCount);
        Timers.StartSingleTimer(StartChildTick.Instance, StartChildTick.Instance, delay);
    }

    /// <summary>Asks for the current child; answered with <see cref="CurrentChild"/>.</summary>
    public sealed record GetCurrentChild
    {
        public static readonly GetCurrentChild Instance = new();
    }

    public sealed record CurrentChild(IActorRef? Ref);

    /// <summary>Asks how many restarts are counted; answered with <see cref="RestartCount"/>.</summary>
    public sealed record GetRestartCount
    {
        public static readonly GetRestartCount Instance = new();
    }

    public sealed record RestartCount(int Count);

    /// <summary>Resets the restart count (and so the next delay) to the minimum.</summary>
    public sealed record Reset
    {
        public static readonly Reset Instance = new();
    }

    private sealed record StartChildTick
    {
        public static readonly StartChildTick Instance = new();
    }

    private sealed record ResetTick
    {
        public static readonly ResetTick Instance = new();
    }
}

namespace Cluster.Core.Actors;

/// <summary>
/// The runtime half of an actor: it owns the mailbox, creates (and re-creates) the actor
/// instance, and applies the lifecycle rules. Split by concern like Akka's ActorCell.*:
/// this file holds message invocation and behaviours; see the Children, DeathWatch,
/// FaultHandling, Async, Timeouts and DeadLetters partials for the rest.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    /// <summary>The cell whose actor runs on this thread right now.</summary>
    [ThreadStatic]
    internal static ActorCell? Current;

    private readonly ActorSystem _system;
    private readonly LocalActorRef _self;
    private readonly Props _props;
    private readonly InternalActorRef _parent;
    private readonly Mailbox _mailbox;

    private ActorBase? _actor;
    private static readonly Create CreateMessage = new();

    /// <summary>The parent's bookkeeping about this child; touched only by the parent.</summary>
    internal ChildRestartStats RestartStats;

    private bool _constructing;
    private bool _pendingCreate;
    private object? _currentMessage;
    private IActorRef? _currentSender;
    /// <summary>The current behaviour; null means the actor's own <c>Receive</c> (no delegate needed).</summary>
    private Receive? _behavior;

    public ActorCell(ActorSystem system, LocalActorRef self, Props props, Dispatcher dispatcher, InternalActorRef parent)
    {
        _system = system;
        _self = self;
        _props = props;
        _parent = parent;
        _mailbox = new Mailbox(this, dispatcher);

        // Set before the ref is published, so whichever run comes first creates the instance.
        _pendingCreate = true;
    }

    public IActorRef Self => _self;

    public IActorRef Sender => _currentSender ?? _system.DeadLetters;

    public IActorRef Parent => _parent;

    public ActorSystem System => _system;

    public Props Props => _props;

    internal IActorRef? CurrentSender => _currentSender;

    internal object? CurrentMessage => _currentMessage;

    internal Mailbox Mailbox => _mailbox;

    internal ActorBase? Actor => _actor;

    /// <summary>
    /// Schedules creation: the instance is constructed on the actor's own thread, before any
    /// system message sent to it meanwhile (a flag rather than a Create message: one allocation
    /// less per spawn).
    /// </summary>
    internal void Start() => _mailbox.ScheduleForCreate();

    /// <summary>Runs the pending creation, if any (mailbox thread, before system messages).</summary>
    internal void CreateIfPending()
    {
        if (_pendingCreate)
        {
            _pendingCreate = false;
            SystemInvoke(CreateMessage);
        }
    }

    internal void Post(in Envelope envelope) => _mailbox.Post(envelope);

    internal void PostSystem(SystemMessage message) => _mailbox.PostSystem(message);

    /// <summary>Called by the <see cref="ActorBase"/> constructor: only the runtime may construct actors.</summary>
    internal ActorCell? ConsumeActorUnderConstruction()
    {
        if (!_constructing)
        {
            return null;
        }

        _constructing = false;
        return this;
    }

    internal void Invoke(in Envelope envelope)
    {
        var message = envelope.Message;
        _currentMessage = message;
        _currentSender = envelope.Sender;
        if (_hasReceiveTimeout && (message is not INotInfluenceReceiveTimeout || message is ReceiveTimeout))
        {
            // Restart the idle window as the message is taken (a handler may still change or clear
            // it). The timer is single-shot and re-armed only here, so at most one ReceiveTimeout is
            // ever pending, however long a handler runs; delivering one re-arms it, so it repeats while idle.
            RescheduleReceiveTimeout();
        }

        try
        {
            if (message is IAutoReceivedMessage)
            {
                AutoReceiveMessage(message);
            }
            else
            {
                ReceiveMessage(message);
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            _currentMessage = null;
            _currentSender = null;
        }
    }

    internal void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create:
                    CreateActor();
                    break;
                case ExecuteTask execute:
                    ExecuteContinuation(execute.Task);
                    break;
                case AsyncHandlerCompleted completed:
                    CompleteAsyncHandler(completed.Task);
                    break;
                case RunOnActor run:
                    RunCallback(run);
                    break;
                case Watch watch:
                    AddWatcher(watch.Watchee, watch.Watcher);
                    break;
                case Unwatch unwatch:
                    RemoveWatcher(unwatch.Watchee, unwatch.Watcher);
                    break;
                case DeathWatchNotification notification:
                    WatchedActorTerminated(notification);
                    break;
                case Failed failed:
                    HandleFailedChild(failed);
                    break;
                case Suspend:
                    SuspendNonRecursive();
                    SuspendChildren();
                    break;
                case Resume resume:
                    HandleResume(resume.CausedByFailure);
                    break;
                case Recreate recreate:
                    FaultRecreate(recreate.Cause);
                    break;
                case Terminate:
                    HandleTerminate();
                    break;
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
    }

    private void ReceiveMessage(object message)
    {
        var handled = _behavior is { } behavior ? behavior(message) : _actor!.AroundReceive(message);
        if (!handled)
        {
            _actor!.InvokeUnhandled(message);
        }
    }

    private void AutoReceiveMessage(object message)
    {
        switch (message)
        {
            case TimerMessage timer:
                if (_timers?.Intercept(timer) is { } payload)
                {
                    // The payload, not the timer envelope, is what Stash must keep: the timer may be gone by the time it is unstashed.
                    _currentMessage = payload;
                    ReceiveMessage(payload);
                }

                break;
            case Terminated terminated:
                ReceivedTerminated(terminated);
                break;
            case PoisonPill:
                _self.Stop();
                break;
            case Kill:
                throw new ActorKilledException("Kill");
            case Identify identify:
                Sender.Tell(new ActorIdentity(identify.MessageId, _self), _self);
                break;
            default:
                ReceiveMessage(message);
                break;
        }
    }

    private ActorBase NewActorInstance()
    {
        _behavior = null;
        _behaviorStack?.Clear();
        _constructing = true;
        ActorBase instance;
        try
        {
            instance = _props.NewActor();
        }
        finally
        {
            _constructing = false;
        }

        _actor = instance;
        if (instance is IWithStash withStash)
        {
            withStash.Stash = _stash = new ActorStash(this);
        }

        if (instance is IWithTimers withTimers)
        {
            withTimers.Timers = _timers ??= new TimerScheduler(_self, _system.TimeProvider);
        }

        return instance;
    }

    private void CreateActor()
    {
        try
        {
            var instance = NewActorInstance();
            instance.AroundPreStart();
        }
        catch (Exception e)
        {
            _actor = null;
            _behavior = null;
            throw new ActorInitializationException(_self, $"Exception during creation of [{_self.Path}]", e);
        }
    }

    public void Become(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        if (_behaviorStack is { Count: > 0 } stack)
        {
            stack[^1] = receive;
        }

        _behavior = receive;
    }

    public void BecomeStacked(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        var stack = _behaviorStack ??= [];
        if (stack.Count == 0)
        {
            stack.Add(_behavior ?? _actor!.InitialBehavior);
        }

        stack.Add(receive);
        _behavior = receive;
    }

    public void UnbecomeStacked()
    {
        if (_behaviorStack is { Count: > 1 } stack)
        {
            stack.RemoveAt(stack.Count - 1);
            _behavior = stack[^1];
        }
        else
        {
            _behaviorStack?.Clear();
            _behavior = null;
        }
    }

    internal void PublishUnhandled(object message)
    {
        _system.EventStream.Publish(new UnhandledMessage(message, _currentSender, _self));
        ActorLog.UnhandledMessage(_system.Log, message.GetType().FullName, _self.Path.ToString());
    }
}

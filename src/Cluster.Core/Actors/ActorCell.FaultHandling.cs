namespace Cluster.Core.Actors;

/// <summary>
/// Failure, restart and termination. The states an incarnation moves through:
/// <code>
///   Running ──exception──▶ Failed (suspended, parent told) ──Resume──▶ Running
///      │                      │ Restart: PreRestart, wait for stopped children, new instance, PostRestart ──▶ Running
///      │                      └ Stop ─┐
///      └──────Terminate──────────────▶ Terminating (children stopping) ──last child gone──▶ Terminated
/// </code>
/// A terminated cell never runs again; its name is free once the parent saw it die.
/// </summary>
internal sealed partial class ActorCell
{
    private enum WaitingFor
    {
        Nothing,
        ChildrenBeforeRecreate,
        ChildrenBeforeTerminate,
    }

    private bool _failed;
    private bool _terminating;
    private volatile bool _terminated;
    private WaitingFor _waitingFor;

    internal bool IsTerminated => _terminated;

    private bool IsTerminating => _terminating || _terminated;

    internal void HandleInvokeFailure(Exception cause)
    {
        if (_failed || IsTerminated)
        {
            ActorLog.FailureWhileFailed(_system.Log, cause, _self.Path.ToString());
            return;
        }

        _failed = true;
        _failedMessage = _currentMessage;
        SuspendNonRecursive();
        SuspendChildren();
        var messageType = _currentMessage?.GetType();
        ActorLog.ActorFailed(_system.Log, cause, _self.Path.ToString(), messageType?.FullName ?? "(none)");
        _parent.SendSystemMessage(new Failed(_self, cause, _self.Path.Uid, messageType));
    }

    private void SuspendNonRecursive() => _mailbox.Suspend();

    private void HandleResume(Exception? causedByFailure)
    {
        if (causedByFailure is not null && _actor is null && !IsTerminating)
        {
            // There is no instance to resume (creation failed): create it instead, as Akka does.
            FinishRecreate(causedByFailure, postRestart: false);
            return;
        }

        if (causedByFailure is not null)
        {
            _failed = false;
            _failedMessage = null;
        }

        _mailbox.Resume();
        ResumeChildren();
    }

    /// <summary>As a supervisor: apply the strategy to a child's failure.</summary>
    private void HandleFailedChild(Failed failed)
    {
        var child = FindChild(failed.Child);
        if (child is null || child.Cell.RestartStats.Stopping)
        {
            return;
        }

        var strategy = _props.SupervisorStrategy ?? _actor?.AroundSupervisorStrategy() ?? SupervisorStrategy.DefaultStrategy;
        var directive = strategy.Decide(failed.Cause);
        ActorLog.SupervisorDecided(_system.Log, _self.Path.ToString(), failed.Child.Path.ToString(), directive, failed.Cause.GetType().Name);
        switch (directive)
        {
            case Directive.Resume:
                child.Resume(failed.Cause);
                break;
            case Directive.Restart:
                if (strategy.RequestRestartPermission(ref child.Cell.RestartStats, _system.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()))
                {
                    child.Restart(failed.Cause);
                }
                else
                {
                    ActorLog.RestartLimitReached(_system.Log, failed.Child.Path.ToString(), strategy.MaxNrOfRetries);
                    Stop(child);
                }

                break;
            case Directive.Stop:
                Stop(child);
                break;
            default:
                HandleInvokeFailure(failed.Cause);
                break;
        }
    }

    private void FaultRecreate(Exception cause)
    {
        if (IsTerminating)
        {
            return;
        }

        if (_actor is null)
        {
            // It failed during creation: there is no instance to tell, just build one again.
            _recreateCause = cause;
            FinishRecreate(cause, postRestart: false);
            return;
        }

        var failedActor = _actor;
        CancelReceiveTimeout();
        _timers?.CancelAll();
        _stash?.UnstashAll();
        var previous = _currentMessage;
        try
        {
            failedActor.AroundPreRestart(cause, _failedMessage);
        }
        catch (Exception e)
        {
            ActorLog.LifecycleHookFailed(_system.Log, e, _self.Path.ToString(), "PreRestart");
        }
        finally
        {
            _currentMessage = previous;
            _actor = null;
            _behavior = null;
        }

        if (_stoppingChildren > 0)
        {
            _recreateCause = cause;
            _waitingFor = WaitingFor.ChildrenBeforeRecreate;
        }
        else
        {
            FinishRecreate(cause, postRestart: true);
        }
    }

    private void FinishRecreate(Exception cause, bool postRestart)
    {
        var survivors = ChildrenSnapshot();
        _waitingFor = WaitingFor.Nothing;
        _recreateCause = null;
        try
        {
            _mailbox.Resume();
        }
        finally
        {
            _failed = false;
            _failedMessage = null;
        }

        try
        {
            var fresh = NewActorInstance();
            if (postRestart)
            {
                fresh.AroundPostRestart(cause);
            }
            else
            {
                fresh.AroundPreStart();
            }

            foreach (var child in survivors)
            {
                child.Restart(cause);
            }
        }
        catch (Exception e)
        {
            _actor = null;
            _behavior = null;
            HandleInvokeFailure(new ActorInitializationException(_self, $"Exception during restart of [{_self.Path}]", e));
        }
    }

    private void HandleTerminate()
    {
        if (IsTerminating)
        {
            return;
        }

        lock (Children)
        {
            _terminating = true;
        }

        CancelReceiveTimeout();
        _timers?.CancelAll();
        UnwatchWatchedActors();
        if (StopAllChildren())
        {
            _waitingFor = WaitingFor.ChildrenBeforeTerminate;
            SuspendNonRecursive();
        }
        else
        {
            FinishTerminate();
        }
    }

    private void HandleChildTerminated()
    {
        switch (_waitingFor)
        {
            case WaitingFor.ChildrenBeforeRecreate when _stoppingChildren == 0:
                FinishRecreate(_recreateCause!, postRestart: true);
                break;
            case WaitingFor.ChildrenBeforeTerminate when ChildCount == 0:
                FinishTerminate();
                break;
        }
    }

    private void FinishTerminate()
    {
        var actor = _actor;
        try
        {
            if (actor is not null)
            {
                actor.AroundPostStop();
            }
        }
        catch (Exception e)
        {
            ActorLog.LifecycleHookFailed(_system.Log, e, _self.Path.ToString(), "PostStop");
        }
        finally
        {
            // PostStop may have started timers; nothing may fire at a dead actor.
            CancelReceiveTimeout();
            _timers?.CancelAll();
            _waitingFor = WaitingFor.Nothing;
            _terminated = true;
            _mailbox.BecomeClosed();
            DrainStashToDeadLetters();
            DrainUserMessagesToDeadLetters();
            _parent.SendSystemMessage(new DeathWatchNotification(_self, existenceConfirmed: true, addressTerminated: false));
            TellWatchersWeDied();
            _actor = null;
            _behavior = null;
            _behaviorStack = null;
            _taskScheduler = null;
            DrainSystemMessagesOfDeadActor();
        }
    }
}

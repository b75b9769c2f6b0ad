namespace Cluster.Core.Actors;

/// <summary>
/// DeathWatch: who this actor watches, who watches it, and the Terminated messages in flight.
/// A Terminated is queued as a user message and delivered only if the watch still stands
/// when it is processed, so an Unwatch after the death suppresses it.
/// </summary>
internal sealed partial class ActorCell
{
    public IActorRef Watch(IActorRef subject) => WatchCore(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchCore(subject, message);
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        if (subject is InternalActorRef target && !target.Equals(_self))
        {
            if (_watching?.Remove(target) == true)
            {
                target.SendSystemMessage(new Unwatch(target, _self));
            }

            _terminatedQueued?.Remove(target);
        }

        return subject;
    }

    private IActorRef WatchCore(IActorRef subject, object? message)
    {
        if (subject is not InternalActorRef target)
        {
            throw new ArgumentException($"Cannot watch [{subject}]: not a ref of this runtime.", nameof(subject));
        }

        if (target.Equals(_self))
        {
            return subject;
        }

        var watching = _watching ??= [];
        var alreadyWatching = watching.ContainsKey(target);
        watching[target] = message;
        if (!alreadyWatching)
        {
            target.SendSystemMessage(new Watch(target, _self));
        }

        return subject;
    }

    private void AddWatcher(InternalActorRef watchee, InternalActorRef watcher)
    {
        if (watchee.Equals(_self) && !watcher.Equals(_self))
        {
            (_watchedBy ??= []).Add(watcher);
        }
    }

    private void RemoveWatcher(InternalActorRef watchee, InternalActorRef watcher)
    {
        if (watchee.Equals(_self))
        {
            _watchedBy?.Remove(watcher);
        }
    }

    private void WatchedActorTerminated(DeathWatchNotification notification)
    {
        var actor = notification.Actor;
        if (_watching is not null && _watching.Remove(actor, out var custom) && !IsTerminating)
        {
            (_terminatedQueued ??= [])[actor] = custom;
            _self.Tell(new Terminated(actor, notification.ExistenceConfirmed, notification.AddressTerminated), actor);
        }

        if (RemoveChild(actor))
        {
            HandleChildTerminated();
        }
    }

    private void ReceivedTerminated(Terminated terminated)
    {
        if (_terminatedQueued is null || !_terminatedQueued.Remove(terminated.ActorRef, out var custom))
        {
            return;
        }

        ReceiveMessage(custom ?? terminated);
    }

    private void TellWatchersWeDied()
    {
        if (_watchedBy is null)
        {
            return;
        }

        foreach (var watcher in _watchedBy)
        {
            if (!watcher.Equals(_parent) && watcher is InternalActorRef target)
            {
                target.SendSystemMessage(new DeathWatchNotification(_self, existenceConfirmed: true, addressTerminated: false));
            }
        }

        _watchedBy = null;
    }

    private void UnwatchWatchedActors()
    {
        if (_watching is null)
        {
            return;
        }

        foreach (var watched in _watching.Keys)
        {
            if (watched is InternalActorRef target)
            {
                target.SendSystemMessage(new Unwatch(target, _self));
            }
        }

        _watching = null;
        _terminatedQueued = null;
    }
}

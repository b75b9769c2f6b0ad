namespace Cluster.Core.Actors;

/// <summary>What happens to messages that reach a dead actor: user messages become dead letters; a Watch is answered with the death.</summary>
internal sealed partial class ActorCell
{
    internal void DrainUserMessagesToDeadLetters()
    {
        // After close the mailbox no longer consumes, so this lock makes the queue's single consumer.
        // A producer may have reserved a slot (seen by HasMessages) whose write is not visible yet:
        // wait for it rather than strand the message. Dead letters are published outside the lock.
        List<Envelope>? dead = null;
        lock (_mailbox)
        {
            var spin = new SpinWait();
            while (_mailbox.Messages.HasMessages)
            {
                if (_mailbox.Messages.TryDequeue(out var envelope))
                {
                    (dead ??= []).Add(envelope);
                }
                else
                {
                    spin.SpinOnce();
                }
            }
        }

        if (dead is null)
        {
            return;
        }

        foreach (var envelope in dead)
        {
            _system.DeadLetters.Tell(new DeadLetter(envelope.Message, envelope.Sender, _self), envelope.Sender);
        }
    }

    internal void DrainSystemMessagesOfDeadActor()
    {
        while (_mailbox.DrainSystemMessages() is { } batch)
        {
            for (var message = batch; message is not null;)
            {
                var next = message.Next;
                message.Next = null;
                HandleSystemMessageOfDeadActor(message);
                message = next;
            }
        }
    }

    internal void HandleSystemMessageOfDeadActor(SystemMessage message)
    {
        if (message is Watch watch && watch.Watchee.Equals(_self) && !watch.Watcher.Equals(_self))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(_self, existenceConfirmed: false, addressTerminated: false));
        }
    }

    private void DrainStashToDeadLetters()
    {
        if (_stash is null)
        {
            return;
        }

        foreach (var envelope in _stash.ClearStashedEnvelopes())
        {
            _system.DeadLetters.Tell(new DeadLetter(envelope.Message, envelope.Sender, _self), envelope.Sender);
        }
    }
}

namespace Cluster.Core.Actors;

/// <summary>
/// Where undeliverable messages go: published as <see cref="DeadLetter"/> on the event stream
/// and logged, up to <c>actors.log-dead-letters</c> entries, so lost messages never vanish silently.
/// </summary>
internal sealed class DeadLetterActorRef : MinimalActorRef
{
    private readonly ActorSystem _system;
    private readonly ActorPath _path;
    private long _logged;

    public DeadLetterActorRef(ActorSystem system, ActorPath path)
    {
        _system = system;
        _path = path;
    }

    public override ActorPath Path => _path;

    public override void Tell(object message, IActorRef? sender)
    {
        switch (message)
        {
            case DeadLetter letter:
                Publish(letter);
                break;
            case Terminated or PoisonPill or ReceiveTimeout:
                // Lifecycle noise, not a lost message.
                break;
            default:
                Publish(new DeadLetter(message, sender, this));
                break;
        }
    }

    public void Publish(DeadLetter letter)
    {
        _system.EventStream.Publish(letter);
        var limit = _system.Settings.LogDeadLetters;
        if (limit <= 0 || (_system.IsTerminating && !_system.Settings.LogDeadLettersDuringShutdown))
        {
            return;
        }

        var count = Interlocked.Increment(ref _logged);
        if (count <= limit)
        {
            ActorLog.DeadLetter(
                _system.Log,
                letter.Message.GetType().FullName,
                letter.Sender?.Path.ToString() ?? "NoSender",
                letter.Recipient.Path.ToString(),
                count,
                limit);
        }

        if (count == limit)
        {
            ActorLog.DeadLettersSuppressed(_system.Log, limit);
        }
    }
}

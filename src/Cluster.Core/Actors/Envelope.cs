namespace Cluster.Core.Actors;

/// <summary>A user message with its sender, as it sits in a mailbox.</summary>
internal readonly struct Envelope(object message, IActorRef? sender)
{
    public object Message { get; } = message;

    public IActorRef? Sender { get; } = sender;
}

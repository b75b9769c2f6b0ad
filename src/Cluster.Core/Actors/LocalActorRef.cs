namespace Cluster.Core.Actors;

/// <summary>The ref of an actor in this process: a path, a uid and the cell that runs it.</summary>
internal sealed class LocalActorRef : InternalActorRef
{
    private readonly ActorPath _path;

    public LocalActorRef(ActorSystem system, Props props, Dispatcher dispatcher, InternalActorRef parent, ActorPath path)
    {
        _path = path;
        Cell = new ActorCell(system, this, props, dispatcher, parent);
    }

    public ActorCell Cell { get; }

    public override ActorPath Path => _path;

    public override bool IsTerminated => Cell.IsTerminated;

    public override void Tell(object message, IActorRef? sender) => Cell.Post(new Envelope(message, sender));

    internal override void SendSystemMessage(SystemMessage message) => Cell.PostSystem(message);
}

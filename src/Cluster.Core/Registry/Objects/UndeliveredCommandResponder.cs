using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// Answers a command that Akka could not deliver (a dead letter) at once with 503 and Retry-After,
/// instead of leaving its caller to wait for the request timeout: a command stashed by an object
/// actor that then stopped (its journal failed during a write or a recovery), or one sent towards
/// a member that has become unreachable before its shards moved. The client retries, as it would
/// against Kubernetes when etcd is unavailable.
/// </summary>
public sealed class UndeliveredCommandResponder : ReceiveActor
{
    public UndeliveredCommandResponder()
    {
        Receive<DeadLetter>(letter => Answer(letter.Message, letter.Sender));
        Receive<Dropped>(dropped => Answer(dropped.Message, dropped.Sender));
    }

    public static Props Props() => Akka.Actor.Props.Create<UndeliveredCommandResponder>();

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        Context.System.EventStream.Subscribe(Self, typeof(Dropped));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private static void Answer(object message, IActorRef sender)
    {
        var command = message is ShardingEnvelope envelope ? envelope.Message : message;
        if (command is ObjectCommand.Get or ObjectCommand.Create or ObjectCommand.Update or ObjectCommand.Patch or ObjectCommand.Delete or ObjectCommand.Bind
            && sender is not null && !sender.IsNobody() && sender is not DeadLetterActorRef)
        {
            sender.Tell(ObjectFailure.From(new ApiException(503, "ServiceUnavailable", "the object is unavailable right now (its store is failing or its member is unreachable); retry") { RetryAfterSeconds = 1 }));
        }
    }
}

using Akka.Actor;
using Akka.TestKit.Xunit2;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Core.Tests.Registry.Objects;

public sealed class ObjectMailboxSpec() : TestKit(RegistryConfig.Default)
{
    private static Envelope Message(string text) => new(text, ActorRefs.NoSender);

    [Fact]
    public void Queue_EnqueuedMessages_ComeOutInOrder()
    {
        var queue = new ObjectMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message("a"));
        queue.Enqueue(ActorRefs.Nobody, Message("b"));

        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryDequeue(out var first));
        Assert.True(queue.TryDequeue(out var second));
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(["a", "b"], new[] { first.Message, second.Message });
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void Queue_MessagesPutBackAtTheFront_ComeOutBeforeTheRestInStashOrder()
    {
        // Akka unstashes by putting messages back front-first in reverse, as with its own deque.
        var queue = new ObjectMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message("later"));
        queue.EnqueueFirst(Message("stashed-2"));
        queue.EnqueueFirst(Message("stashed-1"));

        var order = new List<object>();
        while (queue.TryDequeue(out var envelope))
        {
            order.Add(envelope.Message);
        }

        Assert.Equal(["stashed-1", "stashed-2", "later"], order);
    }

    [Fact]
    public void Queue_CleanUp_HandsWhatIsLeftToDeadLetters()
    {
        var queue = new ObjectMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message("x"));
        queue.EnqueueFirst(Message("y"));
        var dead = new ObjectMessageQueue();

        queue.CleanUp(ActorRefs.Nobody, dead);

        Assert.False(queue.HasMessages);
        Assert.Equal(2, dead.Count);
    }

    [Fact]
    public void Mailbox_StashingActor_UnstashesInOrderThroughTheObjectMailbox()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)).WithMailbox(ObjectMailbox.Id));

        actor.Tell("1");
        actor.Tell("2");
        actor.Tell("open");
        actor.Tell("3");

        ExpectMsg("1");
        ExpectMsg("2");
        ExpectMsg("3");
    }

    [Fact]
    public void Mailbox_Config_ProducesTheObjectQueue()
    {
        var mailboxType = ((ExtendedActorSystem)Sys).Mailboxes.Lookup(ObjectMailbox.Id);

        Assert.IsType<ObjectMessageQueue>(mailboxType.Create(ActorRefs.Nobody, Sys));
    }

    /// <summary>Stashes everything until "open", then passes messages on.</summary>
    private sealed class Gate : UntypedActor, IWithUnboundedStash
    {
        private readonly IActorRef _target;

        public Gate(IActorRef target) => _target = target;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            if (message is "open")
            {
                Become(m => _target.Tell(m));
                Stash.UnstashAll();
                return;
            }

            Stash.Stash();
        }
    }
}

using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class MessagingSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private sealed class Collector : ReceiveActor
    {
        private readonly List<int> _seen = [];

        public Collector()
        {
            Receive<int>(_seen.Add);
            Receive<string>(_ => Sender.Tell(_seen.ToArray()));
        }
    }

    [Fact]
    public void Tell_ManyMessagesFromOneSender_ArriveInSendOrder()
    {
        var collector = ActorOf(Props.Create<Collector>());
        for (var i = 0; i < 10_000; i++)
        {
            collector.Tell(i, TestActor);
        }

        collector.Tell("report", TestActor);
        var seen = ExpectMsg<int[]>();
        Assert.Equal(Enumerable.Range(0, 10_000), seen);
    }

    [Fact]
    public void Tell_ConcurrentSenders_EachSendersOrderIsKept()
    {
        var collector = ActorOf(Props.Create<Collector>());
        const int senders = 4;
        const int perSender = 5_000;
        Parallel.For(0, senders, s =>
        {
            for (var i = 0; i < perSender; i++)
            {
                collector.Tell((s * perSender) + i, null);
            }
        });

        collector.Tell("report", TestActor);
        var seen = ExpectMsg<int[]>();
        Assert.Equal(senders * perSender, seen.Length);
        for (var s = 0; s < senders; s++)
        {
            var fromSender = seen.Where(v => v / perSender == s).ToArray();
            Assert.Equal(Enumerable.Range(s * perSender, perSender), fromSender);
        }
    }

    [Fact]
    public void Sender_InsideHandler_IsTheTellingActor()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        echo.Tell("hello", TestActor);
        ExpectMsg("hello");
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void Forward_KeepsOriginalSender()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        var forwarder = ActorOf(Props.CreateFrom(() => new ForwardingActor(echo)));
        forwarder.Tell("via", TestActor);
        ExpectMsg("via");
        Assert.Equal(echo, LastSender);
    }

    private sealed class ForwardingActor : ReceiveActor
    {
        public ForwardingActor(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }

    [Fact]
    public void SystemMessages_AreProcessedBetweenUserMessages_StopCutsTheBacklog()
    {
        using var gate = new ManualResetEventSlim();
        var processed = 0;
        var actor = ActorOf(Props.CreateFrom(() => new GatedActor(gate, () => Interlocked.Increment(ref processed))));
        for (var i = 0; i < 100; i++)
        {
            actor.Tell(i, null);
        }

        AwaitCondition(() => Volatile.Read(ref processed) == 1);
        Watch(actor);
        Sys.Stop(actor);
        gate.Set();
        ExpectTerminated(actor);
        Assert.Equal(1, Volatile.Read(ref processed));
    }

    private sealed class GatedActor : ReceiveActor
    {
        public GatedActor(ManualResetEventSlim gate, Action onMessage) =>
            Receive<int>(_ =>
            {
                onMessage();
                gate.Wait(TimeSpan.FromSeconds(10));
            });
    }

    [Fact]
    public void Identify_AnyActor_AnswersWithItsRef()
    {
        var echo = ActorOf(Props.Create<EchoActor>(), "echo");
        echo.Tell(new Identify(42), TestActor);
        var identity = ExpectMsg<ActorIdentity>();
        Assert.Equal(42, identity.MessageId);
        Assert.Equal(echo, identity.Subject);
        Assert.Equal("cluster://test/user/echo", echo.Path.ToString());
    }

    [Fact]
    public void Become_ReplacesBehaviour_UnbecomeStackedRestoresIt()
    {
        var actor = ActorOf(Props.Create<MoodActor>());
        actor.Tell("mood", TestActor);
        ExpectMsg("calm");
        actor.Tell("anger", TestActor);
        actor.Tell("mood", TestActor);
        ExpectMsg("angry");
        actor.Tell("calm down", TestActor);
        actor.Tell("mood", TestActor);
        ExpectMsg("calm");
    }

    private sealed class MoodActor : ReceiveActor
    {
        public MoodActor()
        {
            Receive<string>(s => s == "mood", _ => Sender.Tell("calm"));
            Receive<string>(s => s == "anger", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "mood", _ => Sender.Tell("angry"));
                Receive<string>(s => s == "calm down", _ => UnbecomeStacked());
            }));
        }
    }

    [Fact]
    public void Unhandled_MessageNoHandlerMatches_IsPublishedOnEventStream()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(UnhandledMessage));
        var echo = ActorOf(Props.CreateFrom(() => new OnlyInts()));
        echo.Tell("not an int", null);
        var unhandled = ExpectMsg<UnhandledMessage>();
        Assert.Equal("not an int", unhandled.Message);
        Assert.Equal(echo, unhandled.Recipient);
    }

    private sealed class OnlyInts : ReceiveActor
    {
        public OnlyInts() => Receive<int>(_ => { });
    }

    [Fact]
    public void ActorOf_DuplicateName_Throws_NameFreeAgainAfterTermination()
    {
        var first = ActorOf(Props.Create<EchoActor>(), "unique");
        Assert.Throws<InvalidActorNameException>(() => ActorOf(Props.Create<EchoActor>(), "unique"));
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        // The name frees once the parent has processed the death, which can be just after a
        // third-party watcher heard of it (as in Akka): retry until it has.
        IActorRef? second = null;
        AwaitAssert(() => second = ActorOf(Props.Create<EchoActor>(), "unique"));
        Assert.NotEqual(first, second);
        Assert.Equal(first.Path, second!.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$reserved")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    public void ActorOf_InvalidName_ThrowsInvalidActorName(string name) =>
        Assert.Throws<InvalidActorNameException>(() => ActorOf(Props.Create<EchoActor>(), name));

    [Fact]
    public void New_ActorOutsideProps_ThrowsActorInitialization() =>
        Assert.Throws<ActorInitializationException>(() => new EchoActor());

    [Fact]
    public void DeadLetters_TellToStoppedActor_IsPublishedAndLogged()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(DeadLetter));
        var echo = ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
        echo.Tell("lost", null);
        var letter = ExpectMsg<DeadLetter>();
        Assert.Equal("lost", letter.Message);
        Assert.Equal(echo, letter.Recipient);
        AwaitCondition(() => LogRecords.Any(r => r.EventId.Id == 1001 && r.Message.Contains("System.String", StringComparison.Ordinal)));
    }
}
